package org.sightline.review;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The panel's reads and writes of cases. */
@RegisterConstructorMapper(ReviewCase.class)
public interface ReviewDao {
    // Labels and banks of a case's live matches, comma-joined in Java (no vendor aggregate): empty here.
    String SELECT = "SELECT c.id, c.media_id, c.state, c.priority, c.reason, c.auto_outcome, c.created_at,"
            + " c.claimed_by, u.name AS claimed_by_name, c.claimed_until, c.decision, c.decision_reason, c.decided_by,"
            + " c.decided_at, CASE WHEN i.removed_at IS NULL THEN i.name ELSE i.name || ' (removed)' END AS instance_name, m.status_id, m.status_url, COALESCE(m.acct, m.account_id) AS acct, m.report_comment,"
            + " m.report_count, m.outcome, m.reason AS media_reason, m.pdq, '' AS labels, '' AS banks,"
            + " m.has_preview, m.metadata, m.risk_score"
            + " FROM cases c JOIN media_overview m ON m.id = c.media_id LEFT JOIN instances i ON i.id = m.instance_id"
            + " LEFT JOIN users u ON u.id = c.claimed_by";

    /**
     * The queue: cases in one of the given states, highest priority first, then oldest; each filter is ignored
     * when empty.
     */
    @SqlQuery(SELECT + " WHERE (c.state = :state1 OR c.state = :state2)"
            + " AND (:instance = '' OR i.name = :instance)"
            + " AND (:outcome = '' OR m.outcome = :outcome OR m.decision = :outcome)"
            + " AND (:bank = '' OR EXISTS (SELECT 1 FROM media_matches mm WHERE mm.media_id = m.id"
            + "      AND mm.vetoed = FALSE AND mm.bank_name = :bank))"
            + " AND (:label = '' OR EXISTS (SELECT 1 FROM media_matches mm WHERE mm.media_id = m.id"
            + "      AND mm.vetoed = FALSE AND (',' || mm.labels || ',') LIKE ('%,' || :label || ',%')))"
            + " ORDER BY COALESCE(m.risk_score, 0) DESC, c.priority DESC, c.created_at, c.id FETCH FIRST :limit ROWS ONLY")
    List<ReviewCase> queue(@Bind("state1") CaseState state1, @Bind("state2") CaseState state2,
                           @Bind("instance") String instance, @Bind("outcome") String outcome,
                           @Bind("bank") String bank, @Bind("label") String label, @Bind("limit") int limit);

    @SqlQuery(SELECT + " WHERE c.id = :id")
    Optional<ReviewCase> find(@Bind("id") long id);

    /** Claims an undecided case for the user unless someone else holds a live claim: 1 when claimed. */
    @SqlUpdate("UPDATE cases SET claimed_by = :userId, claimed_until = :until,"
            + " first_action_at = COALESCE(first_action_at, :now)"
            + " WHERE id = :id AND state IN ('open', 'escalated')"
            + " AND (claimed_by IS NULL OR claimed_by = :userId OR claimed_until < :now)")
    int claim(@Bind("id") long id, @Bind("userId") long userId, @Bind("now") Instant now, @Bind("until") Instant until);

    /**
     * Records a decision if the case is still in the expected state and this user holds its claim (or the claim
     * lapsed and nobody took it): 1 when decided.
     */
    @SqlUpdate("UPDATE cases SET state = :newState, decision = :decision, decision_reason = :reason,"
            + " decided_by = :by, decided_at = :now, updated_at = :now, claimed_by = NULL, claimed_until = NULL"
            + " WHERE id = :id AND state = :expectedState"
            + " AND (claimed_by IS NULL OR claimed_by = :userId OR claimed_until < :now)")
    int decide(@Bind("id") long id, @Bind("expectedState") CaseState expectedState, @Bind("newState") CaseState newState,
               @Bind("decision") String decision, @Bind("reason") String reason, @Bind("by") String by,
               @Bind("userId") long userId, @Bind("now") Instant now);

    /** One decided case, for the dashboard's figures (computed in Java to stay portable). */
    record DecidedRow(long id, String decision, Instant createdAt, Instant decidedAt, Instant firstActionAt) {
    }

    @SqlQuery("SELECT id, decision, created_at, decided_at, first_action_at FROM cases"
            + " WHERE decided_at IS NOT NULL AND decided_at >= :since ORDER BY decided_at")
    @RegisterConstructorMapper(DecidedRow.class)
    List<DecidedRow> decidedSince(@Bind("since") Instant since);

    /** Cases waiting (open or escalated) at {@code at}: opened by then and not decided by then. */
    @SqlQuery("SELECT COUNT(*) FROM cases WHERE created_at <= :at"
            + " AND (state IN ('open', 'escalated') OR decided_at > :at)")
    long waitingAt(@Bind("at") Instant at);

    /** When a case's media was seen, decided, and first acted on (automatically or by a moderator). */
    record FirstAction(Instant seenAt, Instant decidedAt, Instant firstRequestAt) {
        /** The first decision or action, whichever came first; null while there is neither. */
        public Instant firstAt() {
            if (firstRequestAt != null && (decidedAt == null || firstRequestAt.isBefore(decidedAt))) return firstRequestAt;
            return decidedAt;
        }
    }

    @SqlQuery("SELECT m.created_at AS seen_at, c.decided_at,"
            + " (SELECT MIN(r.created_at) FROM action_requests r WHERE r.media_id = c.media_id) AS first_request_at"
            + " FROM cases c JOIN media_overview m ON m.id = c.media_id WHERE m.created_at >= :from AND m.created_at < :to")
    @RegisterConstructorMapper(FirstAction.class)
    List<FirstAction> firstActions(@Bind("from") Instant from, @Bind("to") Instant to);

    @SqlQuery("SELECT MIN(created_at) FROM cases WHERE state IN ('open', 'escalated')")
    Optional<Instant> oldestOpen();

    @SqlQuery("SELECT COUNT(*) FROM cases WHERE state = :state")
    long countState(@Bind("state") CaseState state);

    record BankDecisions(String bankName, long decided, long dismissed) {
    }

    @SqlQuery("SELECT mm.bank_name, COUNT(DISTINCT c.id) AS decided,"
            + " COUNT(DISTINCT CASE WHEN c.decision = 'dismiss' THEN c.id END) AS dismissed"
            + " FROM cases c JOIN media_matches mm ON mm.media_id = c.media_id"
            + " WHERE c.decision IN ('confirm', 'dismiss') AND mm.vetoed = FALSE GROUP BY mm.bank_name ORDER BY mm.bank_name")
    @RegisterConstructorMapper(BankDecisions.class)
    List<BankDecisions> decisionsPerBank();

    @SqlQuery("SELECT DISTINCT mm.labels FROM media_matches mm WHERE mm.media_id = :mediaId AND mm.vetoed = FALSE")
    List<String> labelsOf(@Bind("mediaId") long mediaId);

    @SqlQuery("SELECT DISTINCT mm.bank_name FROM media_matches mm WHERE mm.media_id = :mediaId AND mm.vetoed = FALSE")
    List<String> banksOf(@Bind("mediaId") long mediaId);

    /** The entries a media item's (unvetoed) matches rest on: what a dismissal's opinion is about. */
    @SqlQuery("SELECT DISTINCT mm.entry_id FROM media_matches mm WHERE mm.media_id = :mediaId AND mm.vetoed = FALSE")
    List<Long> entriesOf(@Bind("mediaId") long mediaId);

    @SqlUpdate("INSERT INTO entry_references (entry_id, media_id) VALUES (:entryId, :mediaId)")
    void addReference(@Bind("entryId") long entryId, @Bind("mediaId") long mediaId);

    /** The reference media of an entry, if it was added from a case and that media still has a preview. */
    @SqlQuery("SELECT r.media_id FROM entry_references r JOIN media_overview m ON m.id = r.media_id"
            + " WHERE r.entry_id = :entryId AND m.has_preview")
    Optional<Long> referenceOf(@Bind("entryId") long entryId);
}
