-- When a connection flow (OAuth / MiAuth) was started, so that an abandoned one expires; and the instance's
-- account Sightline acts as, learned from the echo of its own report, so later echoes are known by reporter.
ALTER TABLE instances ADD COLUMN oauth_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE instances ADD COLUMN own_account_id VARCHAR(64);
