package org.sightline.actions;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;

/**
 * The door to the act stage: decisions (automatic or a moderator's) become rows of {@code action_requests},
 * which this package owns and its executor carries out. Callers pass their transaction so that the request
 * commits with the decision that made it.
 */
public final class ActionQueue {
    private final Jdbi jdbi;

    public ActionQueue(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Requests {@code action} on a media item ({@code params}: e.g. {@code {"type": "suspend"}}, or null), unless
     * it already has a request for that action. Returns 1 when requested, 0 when it already was.
     */
    public int request(Handle transaction, long mediaId, Long caseId, String action, String params, String requestedBy,
                       Instant at) {
        return transaction.attach(Dao.class).request(mediaId, caseId, action, params, requestedBy, at);
    }

    /** The same, in a transaction of its own. */
    public int request(long mediaId, Long caseId, String action, String params, String requestedBy, Instant at) {
        return jdbi.inTransaction(h -> request(h, mediaId, caseId, action, params, requestedBy, at));
    }

    /** What was requested for a media item and how far each request got, oldest first. */
    public List<Requested> forMedia(long mediaId) {
        return jdbi.withExtension(Dao.class, d -> d.forMedia(mediaId));
    }

    /** The same, inside the caller's transaction. */
    public List<Requested> forMedia(Handle transaction, long mediaId) {
        return transaction.attach(Dao.class).forMedia(mediaId);
    }

    public record Requested(String action, String state, String requestedBy, Instant createdAt, int attempts,
                            String result) {
    }

    @RegisterConstructorMapper(Requested.class)
    interface Dao {
        @SqlUpdate("INSERT INTO action_requests (media_id, case_id, action, state, requested_by, created_at, params)"
                + " SELECT :mediaId, :caseId, :action, 'pending', :by, :at, :params"
                + " WHERE NOT EXISTS (SELECT 1 FROM action_requests WHERE media_id = :mediaId AND action = :action)")
        int request(@Bind("mediaId") long mediaId, @Bind("caseId") Long caseId, @Bind("action") String action,
                    @Bind("params") String params, @Bind("by") String requestedBy, @Bind("at") Instant at);

        @SqlQuery("SELECT action, state, requested_by, created_at, attempts, result FROM action_requests"
                + " WHERE media_id = :mediaId ORDER BY id")
        List<Requested> forMedia(@Bind("mediaId") long mediaId);
    }
}
