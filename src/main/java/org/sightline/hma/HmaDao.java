package org.sightline.hma;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

/** The hma package's tables: {@code hma_banks} (matching ratios) and {@code hma_content} (per-entry HMA state). */
public interface HmaDao {

    record Ratio(long bankId, double enabledRatio) {
    }

    record Content(long entryId, long bankId, long disableUntilTs, String metadata, String note, boolean noteSet) {
    }

    @SqlQuery("SELECT bank_id, enabled_ratio FROM hma_banks")
    @RegisterConstructorMapper(Ratio.class)
    List<Ratio> ratios();

    @SqlQuery("SELECT enabled_ratio FROM hma_banks WHERE bank_id = :bankId")
    Optional<Double> ratio(@Bind("bankId") long bankId);

    @SqlUpdate("UPDATE hma_banks SET enabled_ratio = :ratio WHERE bank_id = :bankId")
    int updateRatio(@Bind("bankId") long bankId, @Bind("ratio") double ratio);

    @SqlUpdate("INSERT INTO hma_banks (bank_id, enabled_ratio) VALUES (:bankId, :ratio)")
    void insertRatio(@Bind("bankId") long bankId, @Bind("ratio") double ratio);

    default void setRatio(long bankId, double ratio) {
        if (updateRatio(bankId, ratio) == 0) insertRatio(bankId, ratio);
    }

    @SqlQuery("SELECT * FROM hma_content WHERE entry_id = :entryId")
    @RegisterConstructorMapper(Content.class)
    Optional<Content> content(@Bind("entryId") long entryId);

    @SqlQuery("SELECT * FROM hma_content WHERE entry_id IN (<ids>)")
    @RegisterConstructorMapper(Content.class)
    List<Content> contents(@BindList("ids") List<Long> ids);

    @SqlUpdate("UPDATE hma_content SET disable_until_ts = :disableUntilTs, metadata = :metadata, note = :note,"
            + " note_set = :noteSet WHERE entry_id = :entryId")
    int updateContent(@Bind("entryId") long entryId, @Bind("disableUntilTs") long disableUntilTs,
                      @Bind("metadata") String metadata, @Bind("note") String note, @Bind("noteSet") boolean noteSet);

    @SqlUpdate("INSERT INTO hma_content (entry_id, bank_id, disable_until_ts, metadata, note, note_set)"
            + " VALUES (:entryId, :bankId, :disableUntilTs, :metadata, :note, :noteSet)")
    void insertContent(@Bind("entryId") long entryId, @Bind("bankId") long bankId,
                       @Bind("disableUntilTs") long disableUntilTs, @Bind("metadata") String metadata,
                       @Bind("note") String note, @Bind("noteSet") boolean noteSet);

    /** Sets an entry's HMA state; {@code noteSet}: {@code note} replaces the entry's own note in HMA's answers. */
    default void setContent(long entryId, long bankId, long disableUntilTs, String metadata, String note, boolean noteSet) {
        if (updateContent(entryId, disableUntilTs, metadata, note, noteSet) == 0) {
            insertContent(entryId, bankId, disableUntilTs, metadata, note, noteSet);
        }
    }

    @SqlUpdate("DELETE FROM hma_content WHERE bank_id = :bankId")
    int deleteContentOf(@Bind("bankId") long bankId);

    @SqlUpdate("DELETE FROM hma_banks WHERE bank_id = :bankId")
    int deleteRatio(@Bind("bankId") long bankId);
}
