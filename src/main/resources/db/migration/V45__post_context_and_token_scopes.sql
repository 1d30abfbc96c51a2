-- Issue #19: the post a media item belongs to, as the case page shows it, and only that (README, privacy):
-- its text as plain text (Mastodon's HTML converted, at most 5000 characters), content warning, sensitive flag,
-- visibility, web address and author. Owned by ingest; a status.updated replaces it; review.Retention deletes it
-- with the media's pictures (retention.passed_media_days, retention.case_days). One row per media item, so the
-- purge, which works per media item, needs no join; instance + status find the rows an edit replaces.
CREATE TABLE media_posts (
    media_id     BIGINT        NOT NULL PRIMARY KEY REFERENCES media (id),
    instance_id  BIGINT,
    status_id    VARCHAR(64),
    post_text    VARCHAR(5000),
    spoiler_text VARCHAR(1000),
    sensitive    BOOLEAN,
    visibility   VARCHAR(16),
    url          VARCHAR(1000),
    acct         VARCHAR(300),
    domain       VARCHAR(255),
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX media_posts_status ON media_posts (instance_id, status_id);

-- the view other stages read says whether a post context is kept (the retention job's selection); it keeps
-- V44's video signals
DROP VIEW media_overview;
CREATE VIEW media_overview AS
SELECT m.id, m.instance_id, m.origin, m.source_key, m.status_id, m.status_url, m.account_id, m.acct,
       m.attachment_id, m.fetch_url, m.report_id, m.report_comment, m.report_count, m.metadata, m.created_at,
       w.state, w.attempts, w.next_attempt_at, w.lease_until, w.leased_by, w.last_error,
       s.format, s.width, s.height, s.byte_size, s.pdq, s.pdq_quality, s.pdq_dihedral, s.phash, s.dhash,
       s.md5, s.sha256,
       v.outcome, COALESCE(v.reason, w.last_error) AS reason, v.decision, COALESCE(v.priority, w.priority) AS priority,
       v.processed_at,
       CASE WHEN EXISTS (SELECT 1 FROM media_blobs b WHERE b.media_id = m.id AND b.kind = 'preview')
            THEN TRUE ELSE FALSE END AS has_preview,
       v.risk_score,
       s.vpdq, s.video_md5,
       CASE WHEN EXISTS (SELECT 1 FROM media_posts p WHERE p.media_id = m.id)
            THEN TRUE ELSE FALSE END AS has_post
FROM media m
JOIN media_work w ON w.media_id = m.id
LEFT JOIN media_signals s ON s.media_id = m.id
LEFT JOIN media_verdicts v ON v.media_id = m.id;

-- Issue #19: the scopes an instance's API token was found to hold when it was saved or checked (a pasted token
-- has none known from a connect flow): space-separated; NULL while unknown (actions offered with a warning).
ALTER TABLE instances ADD COLUMN token_scopes VARCHAR(1000);
ALTER TABLE instances ADD COLUMN token_checked_at TIMESTAMP WITH TIME ZONE;
