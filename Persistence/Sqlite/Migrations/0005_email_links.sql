-- Reliable email links (SPEC §5, §8). Every link token that leaves is recorded before it is sent, one row per
-- attempt (an email sent twice after a crash sends two links, and both work); a link opens its invitation while no
-- email queued after its own has been sent. Claims carry an id of their own, so that a dispatcher can renew its
-- short lease while it sends and release what it did not send when it stops.
CREATE TABLE email_links (
    token_hash    TEXT    NOT NULL PRIMARY KEY,
    outbox_id     TEXT    NOT NULL REFERENCES email_outbox (id),
    invitation_id TEXT    NOT NULL REFERENCES invitations (id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX ix_email_links_outbox ON email_links (outbox_id);

ALTER TABLE email_outbox ADD COLUMN claim_id TEXT;
CREATE INDEX ix_email_outbox_claim ON email_outbox (claim_id) WHERE claim_id IS NOT NULL;

-- Each email's place in its invitation's queue: a link opens the invitation while no email queued after its own has
-- been sent (queue order, not clocks, which may differ between servers). Existing emails are numbered in the order
-- they were queued.
ALTER TABLE email_outbox ADD COLUMN seq INTEGER NOT NULL DEFAULT 1;
UPDATE email_outbox SET seq = r.seq
FROM (SELECT id, row_number() OVER (PARTITION BY invitation_id ORDER BY created_at, id) AS seq FROM email_outbox) AS r
WHERE r.id = email_outbox.id;
CREATE INDEX ix_email_outbox_invitation_seq ON email_outbox (invitation_id, seq);

-- The link that works today keeps working: it becomes a link of the invitation's last sent email in queue order.
INSERT INTO email_links (token_hash, outbox_id, invitation_id, created_at)
SELECT i.token_hash, e.id, i.id, e.sent_at
FROM invitations i
JOIN email_outbox e ON e.id = (
    SELECT n.id FROM email_outbox n WHERE n.invitation_id = i.id AND n.sent_at IS NOT NULL ORDER BY n.seq DESC LIMIT 1)
WHERE i.token_hash IS NOT NULL;

-- Readiness checks that the database takes writes (a full disk or a read-only file answers reads only): it updates
-- this one row through the write path.
CREATE TABLE health_probe (
    id         INTEGER NOT NULL PRIMARY KEY,
    checked_at INTEGER
);
INSERT INTO health_probe (id, checked_at) VALUES (1, NULL);
