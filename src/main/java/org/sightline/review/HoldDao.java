package org.sightline.review;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The decisions held for their undo window ({@code decision_holds}), owned by review. */
@RegisterConstructorMapper(HoldDao.Hold.class)
public interface HoldDao {
    String HELD = "held";
    String RELEASED = "released";
    String UNDONE = "undone";
    String FAILED = "failed";

    /**
     * One held decision: what it does once released ({@code actions}: the action requests it made, comma-joined;
     * the bank add and the share proposal) and what the case was before, for an undo.
     */
    record Hold(long id, long caseId, String decision, String decidedBy, String actions, String bank,
                String entryLabels, String entryNote, String shareLabels, CaseState previousState,
                String previousDecision, String previousReason, String previousDecidedBy, Instant previousDecidedAt,
                Instant notBefore, String state, String result, Instant updatedAt) {
    }

    @SqlUpdate("INSERT INTO decision_holds (case_id, decision, decided_by, actions, bank, entry_labels, entry_note,"
            + " share_labels, previous_state, previous_decision, previous_reason, previous_decided_by,"
            + " previous_decided_at, not_before, state, result, updated_at) VALUES (:caseId, :decision, :decidedBy,"
            + " :actions, :bank, :entryLabels, :entryNote, :shareLabels, :previousState, :previousDecision,"
            + " :previousReason, :previousDecidedBy, :previousDecidedAt, :notBefore, :state, :result, :updatedAt)")
    void insert(@BindMethods Hold hold);

    @SqlQuery("SELECT * FROM decision_holds WHERE case_id = :caseId ORDER BY id DESC FETCH FIRST 1 ROWS ONLY")
    Optional<Hold> latest(@Bind("caseId") long caseId);

    @SqlQuery("SELECT * FROM decision_holds WHERE id = :id")
    Optional<Hold> find(@Bind("id") long id);

    /** Held decisions whose window has passed, oldest first. */
    @SqlQuery("SELECT id FROM decision_holds WHERE state = 'held' AND not_before <= :now ORDER BY id"
            + " FETCH FIRST :limit ROWS ONLY")
    List<Long> due(@Bind("now") Instant now, @Bind("limit") int limit);

    /** Ends a hold if it is still held: 1 for the one caller (release or undo) that wins. */
    @SqlUpdate("UPDATE decision_holds SET state = :state, result = :result, updated_at = :now"
            + " WHERE id = :id AND state = 'held'")
    int end(@Bind("id") long id, @Bind("state") String state, @Bind("result") String result, @Bind("now") Instant now);

    /** Puts an undone decision's case back as it was, if it still stands as decided by this hold. */
    @SqlUpdate("UPDATE cases SET state = :previousState, decision = :previousDecision,"
            + " decision_reason = :previousReason, decided_by = :previousDecidedBy, decided_at = :previousDecidedAt,"
            + " updated_at = :now WHERE id = :caseId AND decision = :decision AND decided_by = :decidedBy")
    int undecide(@BindMethods Hold hold, @Bind("now") Instant now);

    /** The instance's address of a case's media (for "reported to social.example"), if it came from one. */
    @SqlQuery("SELECT i.base_url FROM cases c JOIN media_overview m ON m.id = c.media_id"
            + " JOIN instances i ON i.id = m.instance_id WHERE c.id = :caseId")
    Optional<String> instanceUrl(@Bind("caseId") long caseId);
}
