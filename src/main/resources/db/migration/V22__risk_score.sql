-- Issue #14: one explained risk score (0-100) per media item, with its reasons (JSON list of {points, text}).
ALTER TABLE media_verdicts ADD COLUMN risk_score INTEGER;
ALTER TABLE media_verdicts ADD COLUMN risk_reasons VARCHAR(4000);

-- the view other stages read gains the score (the queue orders by it)
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
       v.risk_score
FROM media m
JOIN media_work w ON w.media_id = m.id
LEFT JOIN media_signals s ON s.media_id = m.id
LEFT JOIN media_verdicts v ON v.media_id = m.id;
