-- Times are Unix milliseconds (UTC); ids are lower-case UUID text; permissions are space-separated.
CREATE TABLE organizations (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    slug        TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE roles (
    id              TEXT NOT NULL PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    permissions     TEXT NOT NULL,
    UNIQUE (organization_id, key)
);

CREATE TABLE api_tokens (
    id              TEXT    NOT NULL PRIMARY KEY,
    organization_id TEXT    NOT NULL REFERENCES organizations (id),
    name            TEXT,
    permissions     TEXT    NOT NULL,
    secret_hash     TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL
);

CREATE TABLE invitations (
    id              TEXT    NOT NULL PRIMARY KEY,
    organization_id TEXT    NOT NULL REFERENCES organizations (id),
    email           TEXT    NOT NULL,
    email_key       TEXT    NOT NULL,
    role_id         TEXT    NOT NULL REFERENCES roles (id),
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'accepted', 'cancelled', 'expired')),
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    resent_at       INTEGER,
    cancelled_at    INTEGER
);

-- One pending invite per (organization, case-insensitive email): concurrent creates race here, not in code.
CREATE UNIQUE INDEX ux_invitations_pending_email ON invitations (organization_id, email_key) WHERE state = 'pending';

-- Keyset pagination: oldest first by (created_at, id) within an organization.
CREATE INDEX ix_invitations_org_order ON invitations (organization_id, created_at, id);
