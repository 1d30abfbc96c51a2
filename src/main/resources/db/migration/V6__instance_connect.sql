-- Connecting a Mastodon instance through OAuth from Sightline (app registration, pending authorization),
-- and when a verified event last arrived (the admin's check that the webhook works).
ALTER TABLE instances ADD COLUMN oauth_client_id VARCHAR(500);
ALTER TABLE instances ADD COLUMN oauth_client_secret VARCHAR(1000);
ALTER TABLE instances ADD COLUMN oauth_state_hash VARCHAR(64);
ALTER TABLE instances ADD COLUMN oauth_scopes VARCHAR(200);
ALTER TABLE instances ADD COLUMN last_event_at TIMESTAMP WITH TIME ZONE;
