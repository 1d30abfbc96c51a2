-- Misskey sends no instance-wide webhook for new media, so Sightline polls its admin/drive/files endpoint.
-- One row per polled instance: the id the last poll stopped at (Misskey ids sort by time), the lease that lets
-- one node at a time poll, and the last error an admin needs to see.
CREATE TABLE instance_polls (
    instance_id  BIGINT        NOT NULL,
    cursor_id    VARCHAR(100),
    polled_at    TIMESTAMP WITH TIME ZONE,
    files_queued BIGINT        NOT NULL,
    last_error   VARCHAR(500),
    error_at     TIMESTAMP WITH TIME ZONE,
    lease_until  TIMESTAMP WITH TIME ZONE,
    leased_by    VARCHAR(100),
    CONSTRAINT instance_polls_pk PRIMARY KEY (instance_id),
    CONSTRAINT instance_polls_instance_fk FOREIGN KEY (instance_id) REFERENCES instances (id) ON DELETE CASCADE
);
