-- What a media file says about itself, shown to moderators as context: camera and software, when it was taken,
-- whether it carries GPS coordinates (never the coordinates), and content-credential / AI-generation hints.
-- One row per scanned media item whose file carried any of these; no row means the file said nothing.
CREATE TABLE media_file_metadata (
    media_id  BIGINT        NOT NULL PRIMARY KEY REFERENCES media (id),
    camera    VARCHAR(200),
    software  VARCHAR(200),
    taken     VARCHAR(40),
    gps       BOOLEAN       NOT NULL,
    c2pa      BOOLEAN       NOT NULL,
    ai_hint   VARCHAR(300)
);
