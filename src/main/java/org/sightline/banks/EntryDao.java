package org.sightline.banks;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.BatchChunkSize;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

@RegisterConstructorMapper(BankEntry.class)
public interface EntryDao {
    /**
     * The index holds only entries of banks that match: not archived, not removed. A join, so that paging walks
     * the entries' primary key (an {@code IN (SELECT …)} made H2 rescan the table for every page).
     */
    String MATCHING_BANK_JOIN = " JOIN banks b ON b.id = e.bank_id AND b.archived_at IS NULL AND b.removed_at IS NULL";


    /** Inserts rows (their {@code id} is ignored) and returns the generated ids in order. */
    @SqlBatch("INSERT INTO bank_entries (bank_id, signal_type, signal_value, labels, note, added_by, source_list,"
            + " source_seq, state, created_at) VALUES (:bankId, :signalType, :signalValue, :labels, :note, :addedBy,"
            + " :sourceList, :sourceSeq, :state, :createdAt)")
    @GetGeneratedKeys("id")
    @BatchChunkSize(5000)
    long[] insertAll(@BindMethods List<BankEntry> entries);

    @SqlQuery("SELECT * FROM bank_entries WHERE id = :id")
    Optional<BankEntry> findById(@Bind("id") long id);

    /** A page of a bank's entries in id order, starting after {@code afterId}. */
    @SqlQuery("SELECT * FROM bank_entries WHERE bank_id = :bankId AND id > :afterId"
            + " AND (:includeRetracted OR state = 'active') ORDER BY id FETCH FIRST :limit ROWS ONLY")
    List<BankEntry> page(@Bind("bankId") long bankId, @Bind("afterId") long afterId,
                         @Bind("includeRetracted") boolean includeRetracted, @Bind("limit") int limit);

    @SqlQuery("SELECT COUNT(*) FROM bank_entries WHERE bank_id = :bankId AND state = 'active'")
    long countActive(@Bind("bankId") long bankId);

    @SqlUpdate("UPDATE bank_entries SET state = 'retracted', retracted_at = :at, retracted_by = :by"
            + " WHERE id = :id AND state = 'active'")
    int retract(@Bind("id") long id, @Bind("by") String by, @Bind("at") Instant at);

    @SqlQuery("SELECT * FROM bank_entries WHERE id IN (<ids>)")
    List<BankEntry> findByIds(@BindList("ids") List<Long> ids);

    /** The columns the in-memory index needs. */
    record IndexRow(long id, long bankId, String signalType, String signalValue) {
    }

    /** Every active entry, for the index at start-up, in pages of {@code limit} after {@code afterId}. */
    @SqlQuery("SELECT e.id, e.bank_id, e.signal_type, e.signal_value FROM bank_entries e" + MATCHING_BANK_JOIN
            + " WHERE e.state = 'active' AND e.id > :afterId ORDER BY e.id FETCH FIRST :limit ROWS ONLY")
    @RegisterConstructorMapper(IndexRow.class)
    List<IndexRow> activePage(@Bind("afterId") long afterId, @Bind("limit") int limit);

    /** Active entries with ids in a range (what one announced add may have inserted). */
    @SqlQuery("SELECT e.id, e.bank_id, e.signal_type, e.signal_value FROM bank_entries e" + MATCHING_BANK_JOIN
            + " WHERE e.state = 'active' AND e.id BETWEEN :from AND :to ORDER BY e.id")
    @RegisterConstructorMapper(IndexRow.class)
    List<IndexRow> activeBetween(@Bind("from") long from, @Bind("to") long to);

    /** Retracted entries, in pages (re-reading the state after a lost connection). */
    @SqlQuery("SELECT id, bank_id, signal_type, signal_value FROM bank_entries WHERE state = 'retracted'"
            + " AND id > :afterId ORDER BY id FETCH FIRST :limit ROWS ONLY")
    @RegisterConstructorMapper(IndexRow.class)
    List<IndexRow> retractedPage(@Bind("afterId") long afterId, @Bind("limit") int limit);

    /** What the index should hold of one signal type: active entries, counted and their ids summed. */
    record Fingerprint(String signalType, long entries, long idSum) {
    }

    @SqlQuery("SELECT e.signal_type, COUNT(*) AS entries, CAST(COALESCE(SUM(e.id), 0) AS BIGINT) AS id_sum"
            + " FROM bank_entries e" + MATCHING_BANK_JOIN + " WHERE e.state = 'active' GROUP BY e.signal_type")
    @RegisterConstructorMapper(Fingerprint.class)
    List<Fingerprint> activeFingerprints();
}
