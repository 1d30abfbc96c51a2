-- What HMA's API keeps beside Sightline's banks and entries (owned by the hma package): a bank's matching ratio
-- (HMA's matching_enabled_ratio; no row: 1.0) and an entry's HMA-only state (disable_until_ts: 0 disabled,
-- 1 enabled, later: disabled until that Unix time; metadata: the JSON given when it was banked; note: HMA's note once
-- changed through PUT, with note_set, since the entry's own note is part of its provenance). Rows go with their
-- bank (the HMA routes delete them in the bank's deleting transaction), so no foreign keys hold the bank back.

CREATE TABLE hma_banks (
    bank_id        BIGINT           NOT NULL PRIMARY KEY,
    enabled_ratio  DOUBLE PRECISION NOT NULL
);

CREATE TABLE hma_content (
    entry_id          BIGINT        NOT NULL PRIMARY KEY,
    bank_id           BIGINT        NOT NULL,
    disable_until_ts  BIGINT        NOT NULL,
    metadata          VARCHAR(8000),
    note              VARCHAR(255),
    note_set          BOOLEAN       NOT NULL
);

CREATE INDEX hma_content_by_bank ON hma_content (bank_id);
