-- vPDQ entries hold a video's frames as HMA's JSON array of "<pdq hex>,<quality>,<timestamp>" strings:
-- up to 1000 frames of at most 77 characters each.
ALTER TABLE bank_entries ALTER COLUMN signal_value SET DATA TYPE VARCHAR(100000);
