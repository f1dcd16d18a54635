-- 0008_token_lifecycle: a token's expiry and when it was last used (`token create --expires`,
-- `token list`). Both are RFC 3339 UTC text like `created`; NULL: the token never expires, or
-- has not been used since this migration. The server refuses a token at or past `expires`, and
-- moves `last_used` forward at most once a minute per token (server/auth/tokens.h), never back.
ALTER TABLE tokens ADD COLUMN expires TEXT;
ALTER TABLE tokens ADD COLUMN last_used TEXT;
