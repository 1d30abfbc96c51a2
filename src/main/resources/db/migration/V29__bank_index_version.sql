-- Advanced by every transaction that changes which bank entries the match index holds, so that a node's index
-- snapshot file can tell at start whether the database still holds exactly what the snapshot holds. The
-- database id (a random UUID written at first start) tells this database from another at the same version
-- (a changed db.url, a restored backup).
CREATE TABLE bank_index_version (
    id          INTEGER PRIMARY KEY,
    version     BIGINT  NOT NULL,
    database_id VARCHAR(36)
);
INSERT INTO bank_index_version (id, version) VALUES (1, 0);
