-- Published lists and subscriptions carry vpdq entries (HMA's JSON array of up to 1000 frame strings), and a
-- sync records how many entries of signal types this instance does not know it skipped, and which types.
ALTER TABLE list_changes ALTER COLUMN signal_value SET DATA TYPE VARCHAR(100000);
ALTER TABLE subscription_changes ALTER COLUMN signal_value SET DATA TYPE VARCHAR(100000);
ALTER TABLE subscription_syncs ADD COLUMN skipped INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE subscription_syncs ADD COLUMN skipped_types VARCHAR(200);
