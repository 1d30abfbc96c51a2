-- Subscribers' signed opinions on a published list's entries (owned by federation): one per entry per subscriber
-- key; the publisher reads the counts to decide what to retract.
CREATE TABLE list_feedback (
    list_id      BIGINT       NOT NULL REFERENCES published_lists (id),
    entry_seq    BIGINT       NOT NULL,
    key_id       VARCHAR(64)  NOT NULL,
    opinion      VARCHAR(16)  NOT NULL,
    reason       VARCHAR(500),
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT list_feedback_pk PRIMARY KEY (list_id, entry_seq, key_id)
);

CREATE INDEX list_feedback_by_key ON list_feedback (key_id, received_at);
