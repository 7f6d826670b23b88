-- As Sqlite/Migrations/0006_token_lifecycle.sql: tokens can expire and be revoked (SPEC §7).
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
ALTER TABLE api_tokens ADD COLUMN revoked_at timestamptz;
CREATE INDEX ix_api_tokens_organization ON api_tokens (organization_id, created_at);
