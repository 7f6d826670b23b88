-- A create queues its email only if none is queued for the invitation yet (a rerun of a create that did commit
-- must not queue a second): that check, and the invitation's emails, are found by invitation.
CREATE INDEX ix_email_outbox_invitation ON email_outbox (invitation_id);
