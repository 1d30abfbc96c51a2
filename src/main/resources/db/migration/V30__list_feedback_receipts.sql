-- One row per accepted feedback request (owned by federation): the hourly limits count requests here, since
-- list_feedback keeps only each key's latest opinion per entry (and none for a withdrawal). Rows older than an
-- hour are deleted as new requests arrive.
CREATE TABLE list_feedback_receipts (
    list_id      BIGINT       NOT NULL REFERENCES published_lists (id),
    key_id       VARCHAR(64)  NOT NULL,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX list_feedback_receipts_by_key ON list_feedback_receipts (key_id, received_at);
CREATE INDEX list_feedback_receipts_by_list ON list_feedback_receipts (list_id, received_at);
