-- The email outbox (SPEC §5): a row per email to send, written in the same transaction as the invite or resend
-- that causes it. The message is composed when it is sent, so no secret (the link token) is ever stored here:
-- the row keeps the SHA-256 of the link it is sending, which moves to the invitation only once the email is sent,
-- so a failed attempt never breaks the link of an email already delivered.
ALTER TABLE invitations ADD COLUMN token_hash TEXT;
CREATE UNIQUE INDEX ux_invitations_token_hash ON invitations (token_hash) WHERE token_hash IS NOT NULL;

CREATE TABLE email_outbox (
    id              TEXT    NOT NULL PRIMARY KEY,
    invitation_id   TEXT    NOT NULL REFERENCES invitations (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('invitation', 'resend')),
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER,
    token_hash      TEXT,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT
);

-- The dispatcher's query: what is due and neither sent nor given up.
CREATE INDEX ix_email_outbox_due ON email_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
