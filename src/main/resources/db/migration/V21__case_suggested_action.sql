-- Issue #14: an action offered to the moderator (never taken without one), e.g. mark_sensitive for possibly
-- unmarked adult content.
ALTER TABLE cases ADD COLUMN suggested_action VARCHAR(32);
