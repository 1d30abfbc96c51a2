-- API tokens: an optional expiry, and when and from where each was last used (written at most once a minute per
-- token). A revoked token's row is deleted: the lookup by hash finds nothing on any node sharing the database.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE api_tokens ADD COLUMN last_used_from VARCHAR(64);

ALTER TABLE list_tokens ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE list_tokens ADD COLUMN last_used_from VARCHAR(64);
