-- Trust per publisher (the key its lists are signed with): low = its matches never act automatically,
-- normal = they count toward the quorum, high = one match is enough to act.
CREATE TABLE publisher_trust (
    key_id      VARCHAR(64)  NOT NULL,
    trust       VARCHAR(8)   NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT publisher_trust_pk PRIMARY KEY (key_id)
);
