-- Issue #13: video and gifv attachments are fetched in full (not their still preview) and scanned by vPDQ.
-- A source marks the items to fetch under the video byte cap (media.max_video_bytes) instead of the image one.
ALTER TABLE media ADD COLUMN fetch_video BOOLEAN DEFAULT FALSE NOT NULL;

-- A video's signals: its vPDQ frames (HMA's JSON array of "<pdq>,<quality>,<timestamp>", as bank entries hold
-- them), the file's MD5 under HMA's name, and its length. Of the image columns a video fills format, width, height,
-- byte_size, md5 and sha256 (pdq, phash and dhash stay null).
ALTER TABLE media_signals ADD COLUMN vpdq VARCHAR(100000);
ALTER TABLE media_signals ADD COLUMN video_md5 VARCHAR(32);
ALTER TABLE media_signals ADD COLUMN duration_s DOUBLE PRECISION;
-- the contact sheet's frames (up to 9, stored as preview and reveal blobs "sheet-p-N"/"sheet-r-N"): their times in s, comma-separated
ALTER TABLE media_signals ADD COLUMN contact_sheet VARCHAR(200);

-- What a match involving video rests on: the share of the banked video's frames found in the upload and of the
-- upload's in the banked video (0-100), or which frame matched an image (seconds into the upload or the banked video).
ALTER TABLE media_matches ADD COLUMN banked_percent DOUBLE PRECISION;
ALTER TABLE media_matches ADD COLUMN upload_percent DOUBLE PRECISION;
ALTER TABLE media_matches ADD COLUMN upload_at DOUBLE PRECISION;
ALTER TABLE media_matches ADD COLUMN banked_at DOUBLE PRECISION;

-- the view later stages read gains a video's signals (retroactive matching probes recent videos' frames)
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
       s.vpdq, s.video_md5
FROM media m
JOIN media_work w ON w.media_id = m.id
LEFT JOIN media_signals s ON s.media_id = m.id
LEFT JOIN media_verdicts v ON v.media_id = m.id;
