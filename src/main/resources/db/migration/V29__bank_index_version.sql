-- Advanced by every transaction that changes bank entries (it takes the bank's change lock), so that a node's
-- index snapshot file can tell at start whether the database still holds exactly what the snapshot holds.
CREATE TABLE bank_index_version (
    id      INTEGER PRIMARY KEY,
    version BIGINT  NOT NULL
);
INSERT INTO bank_index_version (id, version) VALUES (1, 0);
