-- Requests counted per key in a sliding window, shared by every node (store.RateCounter): the public appeal page's
-- limits per link and per client address. Keys are SHA-256 digests (an appeal link is a secret, an address personal
-- data); rows older than their window are deleted as new requests arrive.
CREATE TABLE rate_hits (
    scope    VARCHAR(32)  NOT NULL,
    hit_key  CHAR(64)     NOT NULL,
    hit_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX rate_hits_by_key ON rate_hits (scope, hit_key, hit_at);
CREATE INDEX rate_hits_by_age ON rate_hits (scope, hit_at);
