package org.sightline.feedback;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The feedback package's table {@code entry_feedback}: opinions on shared entries until they are delivered. */
@RegisterConstructorMapper(EntryFeedbackDao.Row.class)
public interface EntryFeedbackDao {
    String PENDING = "pending";
    String SENT = "sent";
    String FAILED = "failed";

    record Row(long id, long caseId, long entryId, String source, String opinion, String requestedBy, String state,
               int attempts, Instant nextAttemptAt, String result, Instant createdAt, Instant updatedAt) {
    }

    @SqlUpdate("INSERT INTO entry_feedback (case_id, entry_id, source, opinion, requested_by, state, attempts,"
            + " next_attempt_at, created_at, updated_at) VALUES (:caseId, :entryId, :source, :opinion, :by, 'pending', 0,"
            + " :notBefore, :at, :at)")
    void insert(@Bind("caseId") long caseId, @Bind("entryId") long entryId, @Bind("source") String source,
                @Bind("opinion") String opinion, @Bind("by") String requestedBy, @Bind("at") Instant at,
                @Bind("notBefore") Instant notBefore);

    @SqlUpdate("DELETE FROM entry_feedback WHERE case_id = :caseId AND state = 'pending' AND attempts = 0")
    int withdraw(@Bind("caseId") long caseId);

    @SqlQuery("SELECT id FROM entry_feedback WHERE state = 'pending' AND next_attempt_at <= :now"
            + " ORDER BY next_attempt_at, id LIMIT :limit")
    List<Long> due(@Bind("now") Instant now, @Bind("limit") int limit);

    /** Takes a due row by moving its next attempt past the delivery: another node leaves it, a crash retries it. */
    @SqlUpdate("UPDATE entry_feedback SET next_attempt_at = :until, updated_at = :now WHERE id = :id"
            + " AND state = 'pending' AND next_attempt_at <= :now")
    int claim(@Bind("id") long id, @Bind("now") Instant now, @Bind("until") Instant until);

    @SqlQuery("SELECT * FROM entry_feedback WHERE id = :id")
    Optional<Row> find(@Bind("id") long id);

    @SqlUpdate("UPDATE entry_feedback SET state = 'sent', attempts = attempts + 1, result = :result, updated_at = :now"
            + " WHERE id = :id AND state = 'pending'")
    int sent(@Bind("id") long id, @Bind("result") String result, @Bind("now") Instant now);

    @SqlUpdate("UPDATE entry_feedback SET state = :state, attempts = attempts + 1, result = :result,"
            + " next_attempt_at = :next, updated_at = :now WHERE id = :id AND state = 'pending'")
    int attemptFailed(@Bind("id") long id, @Bind("state") String state, @Bind("result") String result,
                      @Bind("next") Instant next, @Bind("now") Instant now);

    @SqlQuery("SELECT * FROM entry_feedback WHERE case_id = :caseId ORDER BY id")
    List<Row> forCase(@Bind("caseId") long caseId);
}
