package org.sightline.jobs;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code jobs} table. A running job's lease is renewed with each step; a lapsed one may be taken over. */
@RegisterConstructorMapper(Job.class)
interface JobDao {

    @SqlUpdate("INSERT INTO jobs (kind, subject, params, state, done, created_by, created_at)"
            + " VALUES (:kind, :subject, :params, 'queued', 0, :by, :at)")
    @GetGeneratedKeys("id")
    long insert(@Bind("kind") String kind, @Bind("subject") String subject, @Bind("params") String params,
                @Bind("by") String createdBy, @Bind("at") Instant at);

    @SqlQuery("SELECT " + Job.COLUMNS + " FROM jobs WHERE id = :id")
    Optional<Job> find(@Bind("id") long id);

    @SqlQuery("SELECT " + Job.COLUMNS + " FROM jobs WHERE subject = :subject ORDER BY id DESC FETCH FIRST :n ROWS ONLY")
    List<Job> recent(@Bind("subject") String subject, @Bind("n") int n);

    @SqlQuery("SELECT " + Job.COLUMNS + " FROM jobs WHERE kind = :kind AND subject = :subject"
            + " AND state IN ('queued', 'running')")
    List<Job> unfinished(@Bind("kind") String kind, @Bind("subject") String subject);

    /** Jobs of these kinds that may be started: queued, or running under a lapsed lease (its node died). */
    @SqlQuery("SELECT id FROM jobs WHERE kind IN (<kinds>) AND (state = 'queued'"
            + " OR (state = 'running' AND lease_until < :now)) ORDER BY id")
    List<Long> runnable(@BindList("kinds") List<String> kinds, @Bind("now") Instant now);

    @SqlUpdate("UPDATE jobs SET state = 'running', leased_by = :lease, lease_until = :until,"
            + " started_at = COALESCE(started_at, :now) WHERE id = :id"
            + " AND (state = 'queued' OR (state = 'running' AND lease_until < :now))")
    int claim(@Bind("id") long id, @Bind("lease") String lease, @Bind("now") Instant now, @Bind("until") Instant until);

    @SqlUpdate("UPDATE jobs SET done = :done, total = :total, cursor_value = :cursor, lease_until = :until"
            + " WHERE id = :id AND leased_by = :lease AND state = 'running'")
    int step(@Bind("id") long id, @Bind("lease") String lease, @Bind("done") long done, @Bind("total") Long total,
             @Bind("cursor") String cursor, @Bind("until") Instant until);

    @SqlUpdate("UPDATE jobs SET state = :state, error = :error, finished_at = :now, lease_until = NULL,"
            + " leased_by = NULL WHERE id = :id AND leased_by = :lease AND state = 'running'")
    int finish(@Bind("id") long id, @Bind("lease") String lease, @Bind("state") JobState state,
               @Bind("error") String error, @Bind("now") Instant now);

    /** A stopping node gives its running jobs back, to be resumed from their cursor at once by any node. */
    @SqlUpdate("UPDATE jobs SET state = 'queued', lease_until = NULL, leased_by = NULL WHERE state = 'running'"
            + " AND leased_by LIKE :node")
    int release(@Bind("node") String nodePrefix);

    @SqlUpdate("UPDATE jobs SET state = 'cancelled', finished_at = :now, lease_until = NULL, leased_by = NULL"
            + " WHERE id = :id AND state IN ('queued', 'running')")
    int cancel(@Bind("id") long id, @Bind("now") Instant now);
}
