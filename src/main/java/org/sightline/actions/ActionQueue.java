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

        /** A request withdrawn before any attempt (a decision undone in its window), in the same transaction. */
        default void withdrawn(Handle transaction, long requestId) {
        }
    }

    /** A request just filed; {@code labels}: what a moderator confirmed (null: an automatic decision's). */
    /** {@code notBefore}: when a held request may first run (a moderator's undo window), else null. */
    public record NewRequest(long requestId, long mediaId, Long caseId, String action, String params,
                             String requestedBy, Instant at, List<String> labels, Instant notBefore) {
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
        return announced(transaction, dao.request(mediaId, caseId, action, params, requestedBy, at),
                new NewRequest(0, mediaId, caseId, action, params, requestedBy, at, labels, null));
    }

    /** Tells the hooks of a request just filed ({@code made} 1), with its id. */
    private int announced(Handle transaction, int made, NewRequest r) {
        if (made == 1 && !hooks.isEmpty() && !r.action().startsWith(UNDO_PREFIX)) {
            long id = transaction.attach(Dao.class).idOf(r.mediaId(), r.action());
            NewRequest filed = new NewRequest(id, r.mediaId(), r.caseId(), r.action(), r.params(), r.requestedBy(),
                    r.at(), r.labels(), r.notBefore());
            for (RequestHook hook : hooks) hook.requested(transaction, filed);
        }
        return made;
    }

    /**
     * {@link #request(Handle, long, Long, String, String, String, Instant)} that waits: no worker carries it out
     * before {@code notBefore} (a moderator's undo window), and until then {@link #withdraw} removes it.
     */
    public int requestNotBefore(Handle transaction, long mediaId, Long caseId, String action, String params,
                                String requestedBy, Instant at, Instant notBefore, List<String> labels) {
        return announced(transaction, transaction.attach(Dao.class).requestNotBefore(mediaId, caseId, action, params,
                requestedBy, at, notBefore), new NewRequest(0, mediaId, caseId, action, params, requestedBy, at, labels,
                notBefore));
    }

    /**
     * Removes a request that no worker has touched yet (pending, never attempted), in the caller's transaction: an
     * undone decision leaves no trace in the queue, and the same action can be requested again. Returns whether it
     * was; false means it is under way or done.
     */
    public boolean withdraw(Handle transaction, long mediaId, String action) {
        Dao dao = transaction.attach(Dao.class);
        Long id = hooks.isEmpty() ? null : dao.findIdOf(mediaId, action).orElse(null);
        if (dao.withdraw(mediaId, action) != 1) return false;
        if (id != null) for (RequestHook hook : hooks) hook.withdrawn(transaction, id);
        return true;
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
     * Makes a pending request wait until {@code until} (if it would run sooner), in the caller's transaction: what a
     * decision in its undo window is about to reverse must not run meanwhile. Returns whether it was pending.
     */
    public boolean postpone(Handle transaction, long mediaId, String action, Instant until) {
        return transaction.attach(Dao.class).postpone(mediaId, action, until) == 1;
    }

    /**
     * Cancels a request that has not been carried out (pending, first attempt or between retries), in the caller's
     * transaction: it ends as failed with {@code why}. A running one cannot be stopped. Returns whether it was.
     */
    public boolean cancel(Handle transaction, long mediaId, String action, String why, Instant at) {
        return transaction.attach(Dao.class).cancel(mediaId, action, why, at) == 1;
    }

    /**
     * For each of a moderator's action choices ({@code account_suspend} etc. included), why it cannot work for this
     * media, or null when it can: the instance kind must have an enabled plugin for it, an instance plugin needs the
     * instance's API token, and a Mastodon or Pleroma token connected here must have been granted the scope.
     */
    public Map<String, String> unavailable(long mediaId, List<String> choices) {
        Dao.Target target = jdbi.withExtension(Dao.class, d -> d.target(mediaId)).orElse(null);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String choice : choices) out.put(choice, whyNot(choice, target));
        return out;
    }

    private String whyNot(String choice, Dao.Target target) {
        String action = choice.startsWith("account_") ? "account_action" : choice;
        String kind = target == null ? null : target.kind();
        Optional<Action> plugin = plugins == null ? Optional.empty() : plugins.actionFor(action, kind);
        if (plugin.isEmpty()) {
            return "no enabled plugin does this " + (kind == null ? "for media without an instance (scan API)"
                    : "on " + kind + " instances");
        }
        if (plugin.get().instanceKinds().isEmpty()) return null; // a plugin for any kind, e.g. the outbound webhook
        if (!target.hasToken()) {
            return "Sightline has no API token for " + target.name() + ": connect it on the Instances page";
        }
        if ("misskey".equals(kind) && action.equals("account_action") && !choice.equals("account_suspend")) {
            return "Misskey silences and marks accounts with roles, which have no API here: only suspend works";
        }
        // what the token was found to allow when saved or checked, else what the connect flow asked for
        String granted = target.granted();
        if (granted == null) return null; // not known: offered, with the case page's warning
        List<String> have = List.of(granted.trim().split("[,\\s]+"));
        if ("mastodon".equals(kind) || "pleroma".equals(kind)) {
            String scope = switch (action) {
                case "report", "mark_sensitive" -> "write:reports";
                case "account_action" -> "admin:write:accounts";
                default -> null;
            };
            if (scope == null) return null;
            String parent = scope.substring(0, scope.lastIndexOf(':'));
            if (!have.contains(scope) && !have.contains(parent)) {
                return "the token " + (target.checked() ? "holds " : "was granted ") + String.join(" ", have)
                        + ", without " + scope + ": connect " + target.name() + " again with this action";
            }
        } else if ("misskey".equals(kind)) {
            String permission = switch (action) {
                case "report" -> "write:report-abuse";
                case "mark_sensitive" -> "write:drive";
                case "delete" -> "write:notes";
                case "account_action" -> "write:admin:suspend-user";
                default -> null;
            };
            if (permission != null && !have.contains(permission)) {
                return "the token does not allow " + permission + (target.checked()
                        ? " (or its account lacks the moderator role)" : "") + ": make a token with it on "
                        + target.name() + " (Settings → API) or connect again with this action";
            }
        }
        return null;
    }

    /**
     * A warning for the case page when the media's instance has a token whose scopes are not known (the instance
     * did not say when it was saved or checked): its actions are offered but may fail.
     */
    public Optional<String> tokenWarning(long mediaId) {
        Dao.Target target = jdbi.withExtension(Dao.class, d -> d.target(mediaId)).orElse(null);
        if (target == null || !target.hasToken() || target.granted() != null) return Optional.empty();
        if (!List.of("mastodon", "pleroma", "misskey").contains(target.kind())) return Optional.empty();
        return Optional.of("the scopes of " + target.name() + "'s token are not known (the instance did not say):"
                + " its actions are offered but may fail; check the token on the Instances page");
    }

    /**
     * Puts a failed request back in the queue for one more attempt now, in the caller's transaction (a moderator's
     * retry from the case page). Returns whether it was failed and is now pending.
     */
    public boolean retry(Handle transaction, long mediaId, String action, Instant at) {
        return transaction.attach(Dao.class).retry(mediaId, action, at) == 1;
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

        @SqlUpdate("INSERT INTO action_requests (media_id, case_id, action, state, requested_by, created_at, params,"
                + " next_attempt_at) SELECT :mediaId, :caseId, :action, 'pending', :by, :at, :params, :notBefore"
                + " WHERE NOT EXISTS (SELECT 1 FROM action_requests WHERE media_id = :mediaId AND action = :action)")
        int requestNotBefore(@Bind("mediaId") long mediaId, @Bind("caseId") Long caseId, @Bind("action") String action,
                             @Bind("params") String params, @Bind("by") String requestedBy, @Bind("at") Instant at,
                             @Bind("notBefore") Instant notBefore);

        @SqlUpdate("DELETE FROM action_requests WHERE media_id = :mediaId AND action = :action AND state = 'pending'"
                + " AND attempts = 0")
        int withdraw(@Bind("mediaId") long mediaId, @Bind("action") String action);

        @SqlQuery("SELECT action, state, requested_by, created_at, attempts, result FROM action_requests"
                + " WHERE media_id = :mediaId ORDER BY id")
        List<Requested> forMedia(@Bind("mediaId") long mediaId);

        @SqlUpdate("UPDATE action_requests SET state = 'failed', result = :why, next_attempt_at = NULL, updated_at = :at"
                + " WHERE media_id = :mediaId AND action = :action AND state = 'pending'")
        int cancel(@Bind("mediaId") long mediaId, @Bind("action") String action, @Bind("why") String why,
                   @Bind("at") Instant at);

        @SqlUpdate("UPDATE action_requests SET next_attempt_at = :until WHERE media_id = :mediaId AND action = :action"
                + " AND state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at < :until)")
        int postpone(@Bind("mediaId") long mediaId, @Bind("action") String action, @Bind("until") Instant until);

        @SqlQuery("SELECT id FROM action_requests WHERE media_id = :mediaId AND action = :action")
        long idOf(@Bind("mediaId") long mediaId, @Bind("action") String action);

        @SqlQuery("SELECT id FROM action_requests WHERE media_id = :mediaId AND action = :action")
        java.util.Optional<Long> findIdOf(@Bind("mediaId") long mediaId, @Bind("action") String action);

        @SqlQuery("SELECT params FROM action_requests WHERE media_id = :mediaId AND action = :action")
        Optional<String> params(@Bind("mediaId") long mediaId, @Bind("action") String action);

        @SqlQuery("SELECT i.kind FROM media_overview m JOIN instances i ON i.id = m.instance_id WHERE m.id = :mediaId")
        Optional<String> instanceKind(@Bind("mediaId") long mediaId);

        /**
         * The instance a media item came from: its kind, whether it has a token, the scopes asked at connect, and
         * what the token was found to allow when saved or checked ({@code tokenCheckedAt} null: never checked).
         */
        record Target(String name, String kind, boolean hasToken, String scopes, String tokenScopes,
                      Instant tokenCheckedAt) {
            boolean checked() {
                return tokenCheckedAt != null;
            }

            /** The scopes to go by: the checked ones once checked (null: not said), else those asked at connect. */
            String granted() {
                return checked() ? tokenScopes : scopes;
            }
        }

        @SqlQuery("SELECT i.name, i.kind, CASE WHEN i.api_token IS NULL THEN FALSE ELSE TRUE END AS has_token,"
                + " i.oauth_scopes AS scopes, i.token_scopes, i.token_checked_at"
                + " FROM media_overview m JOIN instances i ON i.id = m.instance_id WHERE m.id = :mediaId")
        @RegisterConstructorMapper(Target.class)
        Optional<Target> target(@Bind("mediaId") long mediaId);

        @SqlUpdate("UPDATE action_requests SET state = 'pending', next_attempt_at = NULL, updated_at = :at"
                + " WHERE media_id = :mediaId AND action = :action AND state = 'failed'")
        int retry(@Bind("mediaId") long mediaId, @Bind("action") String action, @Bind("at") Instant at);
    }
}
