-- The instance's id of what a done action created (a report's id), so that the instance's echo of Sightline's
-- own report is told apart from a genuine report of the same post.
ALTER TABLE action_requests ADD COLUMN remote_id VARCHAR(64);
CREATE INDEX action_requests_remote_id ON action_requests (remote_id);
