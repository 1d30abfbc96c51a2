package org.sightline.actions;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The door to the act stage: decisions (automatic or a moderator's) become rows of {@code action_requests},
 * which this package owns and its executor carries out. Callers pass their transaction so that the request
 * commits with the decision that made it.
 */
public final class ActionQueue {
    /** The request that undoes an action is named {@code undo_<action>} and carries the original's params. */
    public static final String UNDO_PREFIX = "undo_";
    /** Why some actions can never be undone, whatever plugin carried them out. */
    private static final Map<String, String> IRREVERSIBLE = Map.of(
            "delete", "a deleted post cannot be restored",
            "report", "a filed report cannot be withdrawn");

    private final Jdbi jdbi;
    private final Plugins plugins;
    private final List<RequestHook> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A queue that cannot request undos (no plugins to ask). */
    public ActionQueue(Jdbi jdbi) {
        this(jdbi, null);
    }

    public ActionQueue(Jdbi jdbi, Plugins plugins) {
        this.jdbi = jdbi;
        this.plugins = plugins;
    }

    /**
     * What a new request causes in the requesting transaction (the statement of reasons of a restriction, #16).
     * Undo requests do not reach it.
     */
    public interface RequestHook {
        void requested(Handle transaction, NewRequest request);
    }

    /** A request just filed; {@code labels}: what a moderator confirmed (null: an automatic decision's). */
    public record NewRequest(long requestId, long mediaId, Long caseId, String action, String params,
                             String requestedBy, Instant at, List<String> labels) {
    }

    public void addHook(RequestHook hook) {
        hooks.add(hook);
    }

    /**
     * Requests {@code action} on a media item ({@code params}: e.g. {@code {"type": "suspend"}}, or null), unless
     * it already has a request for that action. Returns 1 when requested, 0 when it already was.
     */
    public int request(Handle transaction, long mediaId, Long caseId, String action, String params, String requestedBy,
                       Instant at) {
        return request(transaction, mediaId, caseId, action, params, requestedBy, at, null);
    }

    /** The same, with the labels a moderator confirmed (for the statement of reasons). */
    public int request(Handle transaction, long mediaId, Long caseId, String action, String params, String requestedBy,
                       Instant at, List<String> labels) {
        Dao dao = transaction.attach(Dao.class);
        int n = dao.request(mediaId, caseId, action, params, requestedBy, at);
        if (n == 1 && !hooks.isEmpty() && !action.startsWith(UNDO_PREFIX)) {
            long id = dao.idOf(mediaId, action);
            NewRequest r = new NewRequest(id, mediaId, caseId, action, params, requestedBy, at, labels);
            for (RequestHook hook : hooks) hook.requested(transaction, r);
        }
        return n;
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

    /**
     * Requests the undo of {@code action} on a media item, in the caller's transaction, if an enabled plugin
     * can undo it on the media's instance ({@code undo_account_action}: unsilence, unsuspend, unsensitive;
     * {@code undo_mark_sensitive} where the mark was set on the file or status itself). Returns empty when
     * requested (or already requested), else why it cannot be undone, in words for a case note.
     */
    public Optional<String> requestUndo(Handle transaction, long mediaId, Long caseId, String action,
                                        String requestedBy, Instant at) {
        String never = IRREVERSIBLE.get(action);
        if (never != null) return Optional.of(never);
        Dao dao = transaction.attach(Dao.class);
        String kind = dao.instanceKind(mediaId).orElse(null);
        String undo = UNDO_PREFIX + action;
        if (plugins == null || plugins.actionFor(undo, kind).isEmpty()) {
            return Optional.of("no enabled plugin can undo it on " + (kind == null ? "media without an instance"
                    : kind + " instances") + (action.equals("mark_sensitive") && "mastodon".equals(kind)
                    ? " (Mastodon's was a report, which cannot be withdrawn)" : ""));
        }
        String params = dao.params(mediaId, action).orElse(null);
        dao.request(mediaId, caseId, undo, params, requestedBy, at);
        return Optional.empty();
    }

    /**
     * Cancels a request that has not been carried out (pending, first attempt or between retries), in the caller's
     * transaction: it ends as failed with {@code why}. A running one cannot be stopped. Returns whether it was.
     */
    public boolean cancel(Handle transaction, long mediaId, String action, String why, Instant at) {
        return transaction.attach(Dao.class).cancel(mediaId, action, why, at) == 1;
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

        @SqlUpdate("UPDATE action_requests SET state = 'failed', result = :why, next_attempt_at = NULL, updated_at = :at"
                + " WHERE media_id = :mediaId AND action = :action AND state = 'pending'")
        int cancel(@Bind("mediaId") long mediaId, @Bind("action") String action, @Bind("why") String why,
                   @Bind("at") Instant at);

        @SqlQuery("SELECT id FROM action_requests WHERE media_id = :mediaId AND action = :action")
        long idOf(@Bind("mediaId") long mediaId, @Bind("action") String action);

        @SqlQuery("SELECT params FROM action_requests WHERE media_id = :mediaId AND action = :action")
        Optional<String> params(@Bind("mediaId") long mediaId, @Bind("action") String action);

        @SqlQuery("SELECT i.kind FROM media_overview m JOIN instances i ON i.id = m.instance_id WHERE m.id = :mediaId")
        Optional<String> instanceKind(@Bind("mediaId") long mediaId);
    }
}
