-- Issue #13: video and gifv attachments are fetched in full (not their still preview) and scanned by vPDQ.
-- A source marks the items to fetch under the video byte cap (media.max_video_bytes) instead of the image one.
ALTER TABLE media ADD COLUMN fetch_video BOOLEAN DEFAULT FALSE NOT NULL;

-- A video's signals: its vPDQ frames (HMA's JSON array of "<pdq>,<quality>,<timestamp>", as bank entries hold
-- them), the file's MD5 under HMA's name, and its length. The image columns stay null for a video but sha256.
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
