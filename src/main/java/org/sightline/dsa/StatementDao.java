package org.sightline.dsa;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The statements of reasons and the appeals (tables this package owns). */
@RegisterConstructorMapper(Statement.class)
@RegisterConstructorMapper(Appeal.class)
interface StatementDao {
    @SqlUpdate("INSERT INTO statements (puid, media_id, case_id, request_id, action, action_type, decided_by,"
            + " decision_visibility, decision_account, decision_provision, decision_ground, ground_text, ground_explanation,"
            + " content_type, category, category_specification, labels, source_kind, source_names, content_date,"
            + " application_date, decision_facts, source_type, automated_detection, automated_decision, appeal_token_hash,"
            + " appeal_token_sealed, appeal_deadline, delivery, tdb_state, tdb_next_at, created_at) VALUES (:puid, :mediaId,"
            + " :caseId,"
            + " :requestId, :action, :actionType, :decidedBy, :decisionVisibility, :decisionAccount, :decisionProvision,"
            + " :decisionGround, :groundText, :groundExplanation, :contentType, :category, :categorySpecification, :labels,"
            + " :sourceKind, :sourceNames, :contentDate, :applicationDate, :decisionFacts, :sourceType,"
            + " :automatedDetection, :automatedDecision, :appealTokenHash, :appealTokenSealed, :appealDeadline,"
            + " :delivery, :tdbState, :tdbNextAt, :createdAt)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods Statement s);

    @SqlQuery("SELECT * FROM statements WHERE puid = :puid")
    Optional<Statement> byPuid(@Bind("puid") String puid);

    @SqlQuery("SELECT * FROM statements WHERE id = :id")
    Optional<Statement> byId(@Bind("id") long id);

    /** A statement whose restriction was withdrawn before anything was done (a decision undone in its window). */
    @SqlUpdate("DELETE FROM statements WHERE request_id = :requestId"
            + " AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.statement_id = statements.id)")
    int deleteByRequest(@Bind("requestId") long requestId);

    @SqlQuery("SELECT * FROM statements WHERE request_id = :requestId")
    Optional<Statement> byRequest(@Bind("requestId") long requestId);

    @SqlQuery("SELECT * FROM statements WHERE appeal_token_hash = :hash")
    Optional<Statement> byTokenHash(@Bind("hash") String hash);

    @SqlQuery("SELECT * FROM statements WHERE media_id = :mediaId ORDER BY id")
    List<Statement> forMedia(@Bind("mediaId") long mediaId);

    @SqlQuery("SELECT * FROM statements WHERE created_at >= :from AND created_at < :to AND id < :before"
            + " ORDER BY id DESC FETCH FIRST :limit ROWS ONLY")
    List<Statement> page(@Bind("from") Instant from, @Bind("to") Instant to, @Bind("before") long before,
                         @Bind("limit") int limit);

    @SqlUpdate("UPDATE statements SET delivery = :delivery, delivered_at = :at WHERE id = :id")
    void delivered(@Bind("id") long id, @Bind("delivery") String delivery, @Bind("at") Instant at);

    @SqlUpdate("UPDATE statements SET outcome = :outcome WHERE id = :id")
    void outcome(@Bind("id") long id, @Bind("outcome") String outcome);

    // the Transparency Database client's work items

    @SqlQuery("SELECT id FROM statements WHERE tdb_state = 'pending' AND (tdb_next_at IS NULL OR tdb_next_at <= :now)"
            + " ORDER BY id FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED")
    Optional<Long> lockNextSubmission(@Bind("now") Instant now);

    @SqlUpdate("UPDATE statements SET tdb_attempts = tdb_attempts + 1, tdb_next_at = :leaseUntil WHERE id = :id")
    void leaseSubmission(@Bind("id") long id, @Bind("leaseUntil") Instant leaseUntil);

    @SqlUpdate("UPDATE statements SET tdb_state = :state, tdb_next_at = :next, tdb_result = :result WHERE id = :id")
    void submission(@Bind("id") long id, @Bind("state") String state, @Bind("next") Instant next,
                    @Bind("result") String result);

    // appeals

    @SqlUpdate("INSERT INTO appeals (statement_id, body, state, created_at) VALUES (:statementId, :body, 'open', :at)")
    @GetGeneratedKeys("id")
    long insertAppeal(@Bind("statementId") long statementId, @Bind("body") String body, @Bind("at") Instant at);

    @SqlQuery("SELECT * FROM appeals WHERE statement_id = :statementId")
    Optional<Appeal> appealOf(@Bind("statementId") long statementId);

    @SqlQuery("SELECT * FROM appeals WHERE id = :id")
    Optional<Appeal> appeal(@Bind("id") long id);

    @SqlQuery("SELECT * FROM appeals WHERE (:state = '' OR state = :state) ORDER BY created_at, id FETCH FIRST :limit ROWS ONLY")
    List<Appeal> appeals(@Bind("state") String state, @Bind("limit") int limit);

    @SqlUpdate("UPDATE appeals SET state = :state, decided_by = :by, decided_at = :at, reason = :reason,"
            + " undo_summary = :undo WHERE id = :id AND state = 'open'")
    int decideAppeal(@Bind("id") long id, @Bind("state") String state, @Bind("by") String by, @Bind("at") Instant at,
                     @Bind("reason") String reason, @Bind("undo") String undo);
}
