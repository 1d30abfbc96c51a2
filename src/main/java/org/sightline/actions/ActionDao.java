package org.sightline.actions;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Action requests as durable work items, and their attempts. */
@RegisterConstructorMapper(ActionRequest.class)
@RegisterConstructorMapper(ActionAttempt.class)
public interface ActionDao {

    /** The next due request, locked; other nodes skip it. */
    @SqlQuery("SELECT id FROM action_requests WHERE ((state = 'pending'"
            + " AND (next_attempt_at IS NULL OR next_attempt_at <= :now)) OR (state = 'running' AND lease_until < :now))"
            + " ORDER BY id FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED")
    Optional<Long> lockNextDue(@Bind("now") Instant now);

    @SqlUpdate("UPDATE action_requests SET state = 'running', lease_until = :until, attempts = attempts + 1,"
            + " updated_at = :now WHERE id = :id")
    void lease(@Bind("id") long id, @Bind("until") Instant until, @Bind("now") Instant now);

    @SqlQuery("SELECT * FROM action_requests WHERE id = :id")
    Optional<ActionRequest> find(@Bind("id") long id);

    @SqlQuery("SELECT * FROM action_requests WHERE media_id = :mediaId ORDER BY id")
    List<ActionRequest> forMedia(@Bind("mediaId") long mediaId);

    @SqlUpdate("UPDATE action_requests SET state = :state, result = :result, next_attempt_at = :next, lease_until = NULL,"
            + " remote_id = :remoteId, updated_at = :now WHERE id = :id AND state = 'running'")
    int settle(@Bind("id") long id, @Bind("state") String state, @Bind("result") String result,
               @Bind("next") Instant nextAttempt, @Bind("remoteId") String remoteId, @Bind("now") Instant now);

    @SqlUpdate("INSERT INTO action_attempts (request_id, attempt, plugin, outcome, http_status, detail, at)"
            + " VALUES (:requestId, :attempt, :plugin, :outcome, :httpStatus, :detail, :at)")
    void recordAttempt(@Bind("requestId") long requestId, @Bind("attempt") int attempt, @Bind("plugin") String plugin,
                       @Bind("outcome") String outcome, @Bind("httpStatus") Integer httpStatus,
                       @Bind("detail") String detail, @Bind("at") Instant at);

    @SqlQuery("SELECT * FROM action_attempts WHERE request_id = :requestId ORDER BY id")
    List<ActionAttempt> attempts(@Bind("requestId") long requestId);

    /** Remembers that Sightline acted on a status, so the instance's echo of it opens no case. */
    @SqlUpdate("INSERT INTO acted_statuses (instance_id, status_id, acted_at) SELECT :instanceId, :statusId, :at"
            + " WHERE NOT EXISTS (SELECT 1 FROM acted_statuses WHERE instance_id = :instanceId AND status_id = :statusId)")
    void rememberActedOn(@Bind("instanceId") long instanceId, @Bind("statusId") String statusId, @Bind("at") Instant at);

    @SqlUpdate("UPDATE acted_statuses SET acted_at = :at WHERE instance_id = :instanceId AND status_id = :statusId")
    int touchActedOn(@Bind("instanceId") long instanceId, @Bind("statusId") String statusId, @Bind("at") Instant at);

    @SqlQuery("SELECT COUNT(*) FROM acted_statuses WHERE instance_id = :instanceId AND status_id = :statusId"
            + " AND acted_at >= :since")
    int actedOnSince(@Bind("instanceId") long instanceId, @Bind("statusId") String statusId, @Bind("since") Instant since);

    /** Whether {@code reportId} is a report Sightline filed on the instance. */
    @SqlQuery("SELECT COUNT(*) FROM action_requests r JOIN media_overview m ON m.id = r.media_id"
            + " WHERE r.remote_id = :reportId AND r.action IN ('report', 'mark_sensitive') AND m.instance_id = :instanceId")
    int ownReports(@Bind("instanceId") long instanceId, @Bind("reportId") String reportId);

    /** The instance's account Sightline acts as, once learned from the echo of one of its reports. */
    @SqlQuery("SELECT own_account_id FROM instances WHERE id = :instanceId")
    Optional<String> ownAccount(@Bind("instanceId") long instanceId);

    @SqlUpdate("UPDATE instances SET own_account_id = :accountId WHERE id = :instanceId")
    void learnOwnAccount(@Bind("instanceId") long instanceId, @Bind("accountId") String accountId);

    /** Reports Sightline is filing about this status right now (their echo may come before their answer). */
    @SqlQuery("SELECT COUNT(*) FROM action_requests r JOIN media_overview m ON m.id = r.media_id"
            + " WHERE m.instance_id = :instanceId"
            + " AND m.status_id = :statusId AND r.action IN ('report', 'mark_sensitive') AND r.state = 'running'")
    int reportsInFlight(@Bind("instanceId") long instanceId, @Bind("statusId") String statusId);
}
