-- As Sqlite/Migrations/0004_memberships.sql: accepting (SPEC §8, version 2026-11-25) records when and the
-- membership it made; a membership is one person (an email) in an organization with a role.
ALTER TABLE invitations ADD COLUMN accepted_at timestamptz;
ALTER TABLE invitations ADD COLUMN membership_id uuid;

CREATE TABLE memberships (
    id              uuid        NOT NULL PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id),
    email           text        NOT NULL,
    email_key       text        NOT NULL,
    role_id         uuid        NOT NULL REFERENCES roles (id),
    invitation_id   uuid        REFERENCES invitations (id),
    created_at      timestamptz NOT NULL
);

-- One membership per (organization, case-insensitive email): concurrent accepts race here, not in code.
CREATE UNIQUE INDEX ux_memberships_email ON memberships (organization_id, email_key);

-- Keyset pagination, as for invitations; and the count of an organization's owners (the last-owner rule).
CREATE INDEX ix_memberships_org_order ON memberships (organization_id, created_at, id);
CREATE INDEX ix_memberships_org_role ON memberships (organization_id, role_id);
