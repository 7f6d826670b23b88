-- Accepting (SPEC §8, version 2026-11-25): an accepted invitation records when, and the membership it made; a
-- membership is one person (an email) in an organization with a role, made from the invitation they accepted.
ALTER TABLE invitations ADD COLUMN accepted_at INTEGER;
ALTER TABLE invitations ADD COLUMN membership_id TEXT;

CREATE TABLE memberships (
    id              TEXT    NOT NULL PRIMARY KEY,
    organization_id TEXT    NOT NULL REFERENCES organizations (id),
    email           TEXT    NOT NULL,
    email_key       TEXT    NOT NULL,
    role_id         TEXT    NOT NULL REFERENCES roles (id),
    invitation_id   TEXT    REFERENCES invitations (id),
    created_at      INTEGER NOT NULL
);

-- One membership per (organization, case-insensitive email): concurrent accepts race here, not in code.
CREATE UNIQUE INDEX ux_memberships_email ON memberships (organization_id, email_key);

-- Keyset pagination, as for invitations; and the count of an organization's owners (the last-owner rule).
CREATE INDEX ix_memberships_org_order ON memberships (organization_id, created_at, id);
CREATE INDEX ix_memberships_org_role ON memberships (organization_id, role_id);
