-- The media table held five concerns written by different stages. It keeps the source facts (where the media
-- came from, reports); the work queue, the signals, the verdict and the binary blobs get a table each.
-- Existing rows are copied over before the old columns go, so an upgraded database loses nothing.

-- The old index "media_work" would clash with the new table's name (PostgreSQL keeps both in one namespace).
DROP INDEX media_work;

CREATE TABLE media_work (
    media_id         BIGINT        PRIMARY KEY REFERENCES media (id),
    state            VARCHAR(16)   NOT NULL,
    attempts         INTEGER       NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_until      TIMESTAMP WITH TIME ZONE,
    leased_by        VARCHAR(64),
    last_error       VARCHAR(500),
    priority         INTEGER       NOT NULL
);
INSERT INTO media_work (media_id, state, attempts, next_attempt_at, lease_until, leased_by, last_error, priority)
SELECT id, state, attempts, next_attempt_at, lease_until, leased_by,
       CASE WHEN state = 'done' THEN NULL ELSE reason END, priority
FROM media;
CREATE INDEX media_work_due ON media_work (state, next_attempt_at);

CREATE TABLE media_signals (
    media_id         BIGINT        PRIMARY KEY REFERENCES media (id),
    format           VARCHAR(8),
    width            INTEGER,
    height           INTEGER,
    byte_size        BIGINT,
    pdq              VARCHAR(64),
    pdq_quality      INTEGER,
    pdq_dihedral     VARCHAR(600),
    phash            VARCHAR(16),
    dhash            VARCHAR(16),
    md5              VARCHAR(32),
    sha256           VARCHAR(64)
);
INSERT INTO media_signals (media_id, format, width, height, byte_size, pdq, pdq_quality, pdq_dihedral, phash, dhash,
                           md5, sha256)
SELECT id, format, width, height, byte_size, pdq, pdq_quality, pdq_dihedral, phash, dhash, md5, sha256
FROM media
WHERE byte_size IS NOT NULL OR pdq IS NOT NULL OR md5 IS NOT NULL OR sha256 IS NOT NULL;

CREATE TABLE media_verdicts (
    media_id         BIGINT        PRIMARY KEY REFERENCES media (id),
    outcome          VARCHAR(16)   NOT NULL,
    reason           VARCHAR(500),
    decision         VARCHAR(16),
    priority         INTEGER       NOT NULL,
    processed_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO media_verdicts (media_id, outcome, reason, decision, priority, processed_at)
SELECT id, outcome, reason, decision, priority, COALESCE(processed_at, created_at)
FROM media
WHERE state = 'done' AND outcome IS NOT NULL;
CREATE INDEX media_verdicts_processed ON media_verdicts (processed_at);

-- Bytes waiting to be scanned (pict-rs, scan API) and the derivatives shown in the panel.
CREATE TABLE media_blobs (
    media_id         BIGINT        NOT NULL REFERENCES media (id),
    kind             VARCHAR(16)   NOT NULL,
    bytes            BYTEA         NOT NULL,
    PRIMARY KEY (media_id, kind)
);
INSERT INTO media_blobs (media_id, kind, bytes) SELECT id, 'pending', pending_bytes FROM media WHERE pending_bytes IS NOT NULL;
INSERT INTO media_blobs (media_id, kind, bytes) SELECT id, 'preview', preview FROM media WHERE preview IS NOT NULL;
INSERT INTO media_blobs (media_id, kind, bytes) SELECT id, 'reveal', reveal FROM media WHERE reveal IS NOT NULL;

ALTER TABLE media DROP COLUMN state;
ALTER TABLE media DROP COLUMN attempts;
ALTER TABLE media DROP COLUMN next_attempt_at;
ALTER TABLE media DROP COLUMN lease_until;
ALTER TABLE media DROP COLUMN leased_by;
ALTER TABLE media DROP COLUMN pending_bytes;
ALTER TABLE media DROP COLUMN outcome;
ALTER TABLE media DROP COLUMN reason;
ALTER TABLE media DROP COLUMN format;
ALTER TABLE media DROP COLUMN width;
ALTER TABLE media DROP COLUMN height;
ALTER TABLE media DROP COLUMN byte_size;
ALTER TABLE media DROP COLUMN pdq;
ALTER TABLE media DROP COLUMN pdq_quality;
ALTER TABLE media DROP COLUMN pdq_dihedral;
ALTER TABLE media DROP COLUMN phash;
ALTER TABLE media DROP COLUMN dhash;
ALTER TABLE media DROP COLUMN md5;
ALTER TABLE media DROP COLUMN sha256;
ALTER TABLE media DROP COLUMN decision;
ALTER TABLE media DROP COLUMN priority;
ALTER TABLE media DROP COLUMN preview;
ALTER TABLE media DROP COLUMN reveal;
ALTER TABLE media DROP COLUMN processed_at;

-- Ingest's read contract for later stages (the queue, shares, retroactive matching, list statistics): they
-- read media through this view, never the tables behind it. "reason" is the verdict's, or while the item
-- waits, its last fetch error; "priority" likewise.
CREATE VIEW media_overview AS
SELECT m.id, m.instance_id, m.origin, m.source_key, m.status_id, m.status_url, m.account_id, m.acct,
       m.attachment_id, m.fetch_url, m.report_id, m.report_comment, m.report_count, m.metadata, m.created_at,
       w.state, w.attempts, w.next_attempt_at, w.lease_until, w.leased_by, w.last_error,
       s.format, s.width, s.height, s.byte_size, s.pdq, s.pdq_quality, s.pdq_dihedral, s.phash, s.dhash,
       s.md5, s.sha256,
       v.outcome, COALESCE(v.reason, w.last_error) AS reason, v.decision, COALESCE(v.priority, w.priority) AS priority,
       v.processed_at,
       CASE WHEN EXISTS (SELECT 1 FROM media_blobs b WHERE b.media_id = m.id AND b.kind = 'preview')
            THEN TRUE ELSE FALSE END AS has_preview
FROM media m
JOIN media_work w ON w.media_id = m.id
LEFT JOIN media_signals s ON s.media_id = m.id
LEFT JOIN media_verdicts v ON v.media_id = m.id;
