-- vPDQ entries hold a video's frames as HMA's JSON array of "<pdq hex>,<quality>,<timestamp>" strings:
-- up to 1000 frames of at most 77 characters each.
ALTER TABLE bank_entries ALTER COLUMN signal_value SET DATA TYPE VARCHAR(100000);

-- what a match involving video rests on: the share of the banked video's and of the upload's distinct frames
-- matched (video against video), or the time of the frame that matched (a still against a video, or a frame of a
-- video against an image entry)
ALTER TABLE media_matches ADD COLUMN video_banked_percent DOUBLE PRECISION;
ALTER TABLE media_matches ADD COLUMN video_upload_percent DOUBLE PRECISION;
ALTER TABLE media_matches ADD COLUMN upload_at DOUBLE PRECISION;
ALTER TABLE media_matches ADD COLUMN banked_at DOUBLE PRECISION;
