-- The same schema as Sqlite/Migrations/0001_initial.sql in PostgreSQL's own types: ids are uuid, times timestamptz
-- (to the millisecond, as the server writes them); permissions are space-separated.
CREATE TABLE organizations (
    id          uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    slug        text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL
);

CREATE TABLE roles (
    id              uuid NOT NULL PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    key             text NOT NULL,
    name            text NOT NULL,
    permissions     text NOT NULL,
    UNIQUE (organization_id, key)
);

CREATE TABLE api_tokens (
    id              uuid        NOT NULL PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id),
    name            text,
    permissions     text        NOT NULL,
    secret_hash     text        NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL
);

-- email_key is the trimmed email lower-cased by the server (invariant culture), the same key on every provider.
CREATE TABLE invitations (
    id              uuid        NOT NULL PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id),
    email           text        NOT NULL,
    email_key       text        NOT NULL,
    role_id         uuid        NOT NULL REFERENCES roles (id),
    state           text        NOT NULL CHECK (state IN ('pending', 'accepted', 'cancelled', 'expired')),
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    resent_at       timestamptz,
    cancelled_at    timestamptz
);

-- One pending invite per (organization, case-insensitive email): concurrent creates race here, not in code.
CREATE UNIQUE INDEX ux_invitations_pending_email ON invitations (organization_id, email_key) WHERE state = 'pending';

-- Keyset pagination: oldest first by (created_at, id) within an organization.
CREATE INDEX ix_invitations_org_order ON invitations (organization_id, created_at, id);
