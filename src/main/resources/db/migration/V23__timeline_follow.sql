-- Following an instance's public timelines (issue #12). Which timelines an instance is watched on: none (its
-- webhooks only), local, remote or all.
ALTER TABLE instances ADD COLUMN watch VARCHAR(16) DEFAULT 'none' NOT NULL;

-- One row per followed instance (ingest's): the id of the last status read (Mastodon ids sort by time), so a
-- reconnect or a restart pages the timeline from there before reading the stream again; the lease that lets one
-- node follow it; what the admin sees (state, last event, counts, last error).
CREATE TABLE instance_follows (
    instance_id    BIGINT        NOT NULL,
    last_status_id VARCHAR(64),
    state          VARCHAR(16)   NOT NULL,
    statuses_seen  BIGINT        NOT NULL,
    media_queued   BIGINT        NOT NULL,
    reconnects     BIGINT        NOT NULL,
    last_event_at  TIMESTAMP WITH TIME ZONE,
    last_error     VARCHAR(500),
    error_at       TIMESTAMP WITH TIME ZONE,
    lease_until    TIMESTAMP WITH TIME ZONE,
    leased_by      VARCHAR(100),
    CONSTRAINT instance_follows_pk PRIMARY KEY (instance_id),
    CONSTRAINT instance_follows_instance_fk FOREIGN KEY (instance_id) REFERENCES instances (id) ON DELETE CASCADE
);

-- Statuses the instance said were deleted (a stream's delete event): the case shows the post is gone.
CREATE TABLE status_deletions (
    instance_id BIGINT        NOT NULL,
    status_id   VARCHAR(64)   NOT NULL,
    deleted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT status_deletions_pk PRIMARY KEY (instance_id, status_id),
    CONSTRAINT status_deletions_instance_fk FOREIGN KEY (instance_id) REFERENCES instances (id) ON DELETE CASCADE
);
