-- Authority that follows the instance (issue #18). A token may be bound to one instance by name: it cannot name
-- another or read another's media. Instance names are never reused (a removed instance keeps its row), so the
-- name stays unambiguous.
ALTER TABLE api_tokens ADD COLUMN instance_name VARCHAR(64);

-- Media submitted through the scan API by a token not bound to the instance it names may open a case for a
-- moderator, but never make Sightline act on that instance by itself.
ALTER TABLE media ADD COLUMN automatic_actions BOOLEAN DEFAULT TRUE NOT NULL;
