package org.sightline.audit;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;

@RegisterConstructorMapper(AuditEvent.class)
public interface AuditDao {

    /** The chain's last event, and from which event on it is keyed (null before a key was first bound). */
    record Head(long seq, String hash, Long keyedFrom, String keyMark) {
    }

    /** Locks the chain's head for this transaction: appends from every node queue here. */
    @SqlQuery("SELECT seq, hash, keyed_from, key_mark FROM audit_head WHERE id = 1 FOR UPDATE")
    @RegisterConstructorMapper(Head.class)
    Head lockHead();

    @SqlQuery("SELECT seq, hash, keyed_from, key_mark FROM audit_head WHERE id = 1")
    @RegisterConstructorMapper(Head.class)
    Head head();

    @SqlUpdate("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1")
    void moveHead(@Bind("seq") long seq, @Bind("hash") String hash);

    @SqlUpdate("UPDATE audit_head SET keyed_from = :from, key_mark = :mark WHERE id = 1")
    void markKeyed(@Bind("from") long from, @Bind("mark") String mark);

    /** The event with this sequence number, if the log holds it. */
    @SqlQuery("SELECT * FROM audit_events WHERE seq = :seq")
    java.util.Optional<AuditEvent> event(@Bind("seq") long seq);

    @SqlUpdate("INSERT INTO audit_events (seq, at, actor, action, target, detail, prev_hash, hash)"
            + " VALUES (:seq, :at, :actor, :action, :target, :detail, :prevHash, :hash)")
    void insert(@BindMethods AuditEvent event);

    @SqlQuery("SELECT * FROM audit_events WHERE seq > :after ORDER BY seq FETCH FIRST :limit ROWS ONLY")
    List<AuditEvent> page(@Bind("after") long after, @Bind("limit") int limit);

    /** Newest first, filtered; an empty filter value matches everything. */
    @SqlQuery("SELECT * FROM audit_events WHERE (:actor = '' OR actor = :actor) AND (:action = '' OR action = :action)"
            + " AND (:target = '' OR target = :target) AND seq < :before ORDER BY seq DESC FETCH FIRST :limit ROWS ONLY")
    List<AuditEvent> search(@Bind("actor") String actor, @Bind("action") String action, @Bind("target") String target,
                            @Bind("before") long beforeSeq, @Bind("limit") int limit);

    /** {@link #search}, and only events at or after {@code since}. */
    @SqlQuery("SELECT * FROM audit_events WHERE (:actor = '' OR actor = :actor) AND (:action = '' OR action = :action)"
            + " AND (:target = '' OR target = :target) AND at >= :since AND seq < :before"
            + " ORDER BY seq DESC FETCH FIRST :limit ROWS ONLY")
    List<AuditEvent> searchSince(@Bind("actor") String actor, @Bind("action") String action,
                                 @Bind("target") String target, @Bind("since") Instant since,
                                 @Bind("before") long beforeSeq, @Bind("limit") int limit);

    record RevealCount(String actor, long reveals) {
    }

    @SqlQuery("SELECT actor, COUNT(*) AS reveals FROM audit_events WHERE action = 'reveal' AND at >= :since"
            + " GROUP BY actor ORDER BY actor")
    @RegisterConstructorMapper(RevealCount.class)
    List<RevealCount> revealCounts(@Bind("since") Instant since);
}
