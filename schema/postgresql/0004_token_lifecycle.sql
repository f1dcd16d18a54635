-- 0004_token_lifecycle (PostgreSQL): as schema/0008_token_lifecycle.sql, a token's expiry and
-- when it was last used, RFC 3339 UTC text, NULL for never.
ALTER TABLE tokens ADD COLUMN expires TEXT;
ALTER TABLE tokens ADD COLUMN last_used TEXT;
