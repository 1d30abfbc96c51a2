-- The audit chain is keyed (HMAC-SHA256 with data/audit.key) from event keyed_from on; the events before it
-- keep their unkeyed SHA-256 hashes. key_mark is the HMAC of "keyed-from:<keyed_from>", so that neither the
-- start of the keyed part nor the key itself can be changed without the key. Both are set when a server or
-- command first opens the log with a key.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT;
ALTER TABLE audit_head ADD COLUMN key_mark VARCHAR(64);
