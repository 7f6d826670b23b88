-- Tokens can expire and be revoked (SPEC §7): both refused by every server within 5 s.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN revoked_at INTEGER;
CREATE INDEX ix_api_tokens_organization ON api_tokens (organization_id, created_at);
