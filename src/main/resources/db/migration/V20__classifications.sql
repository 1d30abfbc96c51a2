-- Issue #14: the classifiers' answers per media item, and whether the post was already marked sensitive.

-- NULL: not known (the scan API, pict-rs uploads); TRUE: the author marked it sensitive or put a content warning.
ALTER TABLE media ADD COLUMN sensitive BOOLEAN;

-- One row per classifier per media item: its model, its scores by label (JSON object) or the error it failed with.
CREATE TABLE media_classifications (
    media_id       BIGINT        NOT NULL REFERENCES media (id),
    classifier     VARCHAR(100)  NOT NULL,
    model          VARCHAR(200),
    model_version  VARCHAR(50),
    scores         VARCHAR(8000),
    error          VARCHAR(500),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (media_id, classifier)
);
