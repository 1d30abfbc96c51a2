package org.sightline.federation;

import org.jdbi.v3.core.result.ResultIterator;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.FetchSize;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Published lists, their change logs and subscriber tokens. */
@RegisterConstructorMapper(ListDao.PublishedList.class)
@RegisterConstructorMapper(ListDao.ChangeRow.class)
@RegisterConstructorMapper(ListDao.Overview.class)
public interface ListDao {

    record PublishedList(long id, String name, long bankId, String visibility, String description, long lastSeq,
                         Instant createdAt) {
        public boolean restricted() {
            return "subscribers".equals(visibility);
        }
    }

    record ChangeRow(long listId, long seq, String op, long entryId, Long refSeq, String signalType,
                     String signalValue, String labels, String note, Instant createdAt, Long retractedSeq) {
    }

    @SqlUpdate("INSERT INTO published_lists (name, bank_id, visibility, description, last_seq, created_at)"
            + " VALUES (:name, :bankId, :visibility, :description, 0, :at)")
    @GetGeneratedKeys("id")
    long insert(@Bind("name") String name, @Bind("bankId") long bankId, @Bind("visibility") String visibility,
                @Bind("description") String description, @Bind("at") Instant at);

    @SqlQuery("SELECT * FROM published_lists WHERE name = :name")
    Optional<PublishedList> findByName(@Bind("name") String name);

    @SqlQuery("SELECT * FROM published_lists WHERE bank_id = :bankId")
    Optional<PublishedList> findByBank(@Bind("bankId") long bankId);

    @SqlQuery("SELECT * FROM published_lists ORDER BY name")
    List<PublishedList> list();

    /** Takes {@code n} sequence numbers; the row lock held until commit keeps concurrent changes in order. */
    @SqlUpdate("UPDATE published_lists SET last_seq = last_seq + :n WHERE id = :id")
    int reserve(@Bind("id") long id, @Bind("n") long n);

    /** What the publisher's Sharing page says of a list: its live entries, last change and subscriber tokens. */
    record Overview(long activeEntries, Instant lastChange, int tokens, int tokensUsedSince) {
    }

    @SqlQuery("SELECT (SELECT COUNT(*) FROM list_changes c WHERE c.list_id = :id AND c.op = 'add'"
            + " AND c.retracted_seq IS NULL) AS active_entries,"
            + " (SELECT MAX(c.created_at) FROM list_changes c WHERE c.list_id = :id) AS last_change,"
            + " (SELECT COUNT(*) FROM list_tokens t WHERE t.list_id = :id) AS tokens,"
            + " (SELECT COUNT(*) FROM list_tokens t WHERE t.list_id = :id AND t.last_used_at > :since) AS tokens_used_since")
    Overview overview(@Bind("id") long listId, @Bind("since") Instant since);

    @SqlQuery("SELECT last_seq FROM published_lists WHERE id = :id")
    long lastSeq(@Bind("id") long id);

    @SqlBatch("INSERT INTO list_changes (list_id, seq, op, entry_id, ref_seq, signal_type, signal_value, labels, note,"
            + " created_at) VALUES (:listId, :seq, :op, :entryId, :refSeq, :signalType, :signalValue, :labels, :note,"
            + " :createdAt)")
    void insertChanges(@BindMethods List<ChangeRow> rows);

    @SqlQuery("SELECT seq FROM list_changes WHERE list_id = :listId AND entry_id = :entryId AND op = 'add'")
    Optional<Long> addSeqOf(@Bind("listId") long listId, @Bind("entryId") long entryId);

    /** Changes after {@code since} up to {@code upTo}, in order. */
    @SqlQuery("SELECT * FROM list_changes WHERE list_id = :listId AND seq > :since AND seq <= :upTo ORDER BY seq"
            + " FETCH FIRST :limit ROWS ONLY")
    List<ChangeRow> changes(@Bind("listId") long listId, @Bind("since") long since, @Bind("upTo") long upTo,
                            @Bind("limit") int limit);

    /** Marks an add as retracted by the change {@code seq}. */
    @SqlUpdate("UPDATE list_changes SET retracted_seq = :seq WHERE list_id = :listId AND seq = :ref AND op = 'add'")
    int markRetracted(@Bind("listId") long listId, @Bind("ref") long ref, @Bind("seq") long seq);

    /**
     * Adds up to {@code upTo} not retracted by then: the snapshot at {@code upTo}, streamed in one pass (paging with
     * an offset key made H2 rescan from the start for every page). Close the iterator; call within a transaction
     * so PostgreSQL streams through a cursor instead of loading every row.
     */
    @SqlQuery("SELECT * FROM list_changes WHERE list_id = :listId AND seq <= :upTo AND op = 'add'"
            + " AND (retracted_seq IS NULL OR retracted_seq > :upTo) ORDER BY seq")
    @FetchSize(5000)
    ResultIterator<ChangeRow> activeAt(@Bind("listId") long listId, @Bind("upTo") long upTo);

    @SqlUpdate("INSERT INTO list_tokens (list_id, name, token_hash, created_at) VALUES (:listId, :name, :hash, :at)")
    @GetGeneratedKeys("id")
    long insertToken(@Bind("listId") long listId, @Bind("name") String name, @Bind("hash") String hash,
                     @Bind("at") Instant at);

    /** A subscriber token of a list: never its hash. */
    record ListToken(long id, String name, Instant createdAt, Instant lastUsedAt, String lastUsedFrom) {
    }

    @SqlQuery("SELECT id, name, created_at, last_used_at, last_used_from FROM list_tokens WHERE list_id = :listId"
            + " AND token_hash = :hash")
    @RegisterConstructorMapper(ListToken.class)
    Optional<ListToken> findToken(@Bind("listId") long listId, @Bind("hash") String hash);

    @SqlQuery("SELECT id, name, created_at, last_used_at, last_used_from FROM list_tokens WHERE list_id = :listId ORDER BY id")
    @RegisterConstructorMapper(ListToken.class)
    List<ListToken> tokens(@Bind("listId") long listId);

    @SqlQuery("SELECT id, name, created_at, last_used_at, last_used_from FROM list_tokens WHERE list_id = :listId AND id = :id")
    @RegisterConstructorMapper(ListToken.class)
    Optional<ListToken> token(@Bind("listId") long listId, @Bind("id") long id);

    @SqlUpdate("DELETE FROM list_tokens WHERE list_id = :listId AND id = :id")
    int deleteToken(@Bind("listId") long listId, @Bind("id") long id);

    /** Records a use unless one was recorded since {@code since} (by this node or another). */
    @SqlUpdate("UPDATE list_tokens SET last_used_at = :now, last_used_from = :from"
            + " WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :since)")
    int touchToken(@Bind("id") long id, @Bind("now") Instant now, @Bind("from") String from, @Bind("since") Instant since);
}
