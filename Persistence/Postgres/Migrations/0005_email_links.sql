-- As Sqlite/Migrations/0005_email_links.sql: every link token that leaves is recorded before it is sent (one row
-- per attempt); a link opens its invitation while no other email of that invitation has been sent since it was recorded. Claims carry an
-- id, so that a dispatcher can renew its short lease while it sends and release what it did not send when it stops.
CREATE TABLE email_links (
    token_hash    text        NOT NULL PRIMARY KEY,
    outbox_id     uuid        NOT NULL REFERENCES email_outbox (id),
    invitation_id uuid        NOT NULL REFERENCES invitations (id),
    created_at    timestamptz NOT NULL
);
CREATE INDEX ix_email_links_outbox ON email_links (outbox_id);

ALTER TABLE email_outbox ADD COLUMN claim_id uuid;
CREATE INDEX ix_email_outbox_claim ON email_outbox (claim_id) WHERE claim_id IS NOT NULL;

INSERT INTO email_links (token_hash, outbox_id, invitation_id, created_at)
SELECT i.token_hash, e.id, i.id, e.sent_at
FROM invitations i
JOIN email_outbox e ON e.id = (
    SELECT n.id FROM email_outbox n WHERE n.invitation_id = i.id AND n.sent_at IS NOT NULL ORDER BY n.created_at DESC, n.id DESC LIMIT 1)
WHERE i.token_hash IS NOT NULL;

-- Readiness checks that the database takes writes (a full disk or a read-only file answers reads only): it updates
-- this one row through the write path.
CREATE TABLE health_probe (
    id         integer NOT NULL PRIMARY KEY,
    checked_at timestamptz
);
INSERT INTO health_probe (id, checked_at) VALUES (1, NULL);
