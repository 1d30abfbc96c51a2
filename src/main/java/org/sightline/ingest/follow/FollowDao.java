package org.sightline.ingest.follow;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.instances.FollowState;

import java.time.Instant;
import java.util.Optional;

/**
 * {@code instance_follows} (one row per followed instance: cursor, lease, what the admin sees) and
 * {@code status_deletions}. Writes that belong to a follower hold its lease ({@code leased_by}).
 */
interface FollowDao {
    @SqlUpdate("INSERT INTO instance_follows (instance_id, state, statuses_seen, media_queued, reconnects)"
            + " VALUES (:id, 'catching_up', 0, 0, 0)")
    void create(@Bind("id") long instanceId);

    @SqlQuery("SELECT state, last_status_id, last_event_at, statuses_seen, media_queued, reconnects, last_error,"
            + " error_at FROM instance_follows WHERE instance_id = :id")
    @RegisterConstructorMapper(FollowState.class)
    Optional<FollowState> state(@Bind("id") long instanceId);

    /** Takes the follow if nobody holds it (or its holder's lease ran out) and it was not stopped. */
    @SqlUpdate("UPDATE instance_follows SET lease_until = :until, leased_by = :lease WHERE instance_id = :id"
            + " AND (lease_until IS NULL OR lease_until < :now) AND state <> 'stopped'")
    int claim(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("now") Instant now,
              @Bind("until") Instant until);

    @SqlUpdate("UPDATE instance_follows SET lease_until = :until WHERE instance_id = :id AND leased_by = :lease")
    int renew(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("until") Instant until);

    @SqlUpdate("UPDATE instance_follows SET lease_until = NULL, leased_by = NULL WHERE instance_id = :id"
            + " AND leased_by = :lease")
    void release(@Bind("id") long instanceId, @Bind("lease") String lease);

    @SqlUpdate("UPDATE instance_follows SET state = :state WHERE instance_id = :id AND leased_by = :lease")
    int phase(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("state") FollowState.Phase state);

    @SqlUpdate("UPDATE instance_follows SET state = :state, last_error = :error, error_at = :now"
            + " WHERE instance_id = :id AND leased_by = :lease")
    int failed(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("state") FollowState.Phase state,
               @Bind("error") String error, @Bind("now") Instant now);

    /** Moves the cursor and counts, under the lease: a lost lease rolls the caller's transaction back. */
    @SqlUpdate("UPDATE instance_follows SET last_status_id = :last, statuses_seen = statuses_seen + :statuses,"
            + " media_queued = media_queued + :media, last_event_at = :now, last_error = NULL, error_at = NULL"
            + " WHERE instance_id = :id AND leased_by = :lease")
    int advance(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("last") String lastStatusId,
                @Bind("statuses") int statuses, @Bind("media") int media, @Bind("now") Instant now);

    @SqlUpdate("UPDATE instance_follows SET last_event_at = :now WHERE instance_id = :id AND leased_by = :lease")
    void heard(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("now") Instant now);

    @SqlUpdate("UPDATE instance_follows SET reconnects = reconnects + 1 WHERE instance_id = :id AND leased_by = :lease")
    void reconnected(@Bind("id") long instanceId, @Bind("lease") String lease);

    /** A changed watch setting: a stopped follow may start again, and the old error no longer applies. */
    @SqlUpdate("UPDATE instance_follows SET state = 'catching_up', last_error = NULL, error_at = NULL"
            + " WHERE instance_id = :id AND state = 'stopped'")
    void restart(@Bind("id") long instanceId);

    @SqlQuery("SELECT COUNT(*) FROM status_deletions WHERE instance_id = :id AND status_id = :status")
    int deleted(@Bind("id") long instanceId, @Bind("status") String statusId);

    @SqlUpdate("INSERT INTO status_deletions (instance_id, status_id, deleted_at) VALUES (:id, :status, :at)")
    void recordDeletion(@Bind("id") long instanceId, @Bind("status") String statusId, @Bind("at") Instant at);
}
