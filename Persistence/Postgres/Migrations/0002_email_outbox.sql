-- The email outbox (SPEC §5), as Sqlite/Migrations/0002_email_outbox.sql: a row per email to send, written in the
-- same transaction as the invite or resend that causes it; no secret is stored, only the SHA-256 of the link a row
-- is sending, which moves to the invitation once the email is sent.
ALTER TABLE invitations ADD COLUMN token_hash text;
CREATE UNIQUE INDEX ux_invitations_token_hash ON invitations (token_hash) WHERE token_hash IS NOT NULL;

CREATE TABLE email_outbox (
    id              uuid        NOT NULL PRIMARY KEY,
    invitation_id   uuid        NOT NULL REFERENCES invitations (id),
    kind            text        NOT NULL CHECK (kind IN ('invitation', 'resend')),
    created_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz,
    token_hash      text,
    sent_at         timestamptz,
    failed_at       timestamptz,
    last_error      text
);

-- The dispatcher's query: what is due and neither sent nor given up.
CREATE INDEX ix_email_outbox_due ON email_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
