package org.sightline.actions;

import org.sightline.ingest.ActionsTaken;
import org.sightline.store.Sql;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.ingest.MatchRecord;
import org.sightline.ingest.MediaCatalog;
import org.sightline.ingest.MediaRecord;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceService;
import org.sightline.store.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Carries out action requests as durable work items: claimed like media (several nodes, leases), one
 * attempt per claim, each attempt recorded; 5xx and timeouts are retried with backoff up to
 * {@code actions.max_attempts}, 4xx and missing plugins fail at once with the reason.
 */
public final class ActionExecutor implements AutoCloseable, ActionsTaken {
    private static final Logger log = LoggerFactory.getLogger(ActionExecutor.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final MediaCatalog media;
    private final Plugins plugins;
    private final InstanceService instances;
    private final AuditLog audit;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration lease;
    private final Duration firstBackoff;
    private final WorkerPool pool;
    /** Who tells the account holder what was done and why (the statements of reasons, #16); null: nobody. */
    private volatile Notices notices;

    public ActionExecutor(Jdbi jdbi, Plugins plugins, InstanceService instances, AuditLog audit, Clock clock, int workers,
                          int maxAttempts, Duration lease, Duration idlePoll, Duration firstBackoff) {
        this.jdbi = jdbi;
        this.media = new MediaCatalog(jdbi);
        this.plugins = plugins;
        this.instances = instances;
        this.audit = audit;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.lease = lease;
        this.firstBackoff = firstBackoff;
        this.pool = new WorkerPool("actions", workers, idlePoll, this::claim, this::process);
    }

    public void start() {
        pool.start();
    }

    /**
     * The text an action sends to the account holder (a statement of reasons with its appeal link), and where its
     * delivery is recorded. Declared here, implemented by a later stage and wired in the composition root.
     */
    public interface Notices {
        /** The notice for the restriction this request carries out, if any. */
        Optional<String> textFor(long requestId);

        /** How the attempt that carried the notice ended. */
        void attempted(long requestId, String action, String plugin, ActionOutcome outcome);
    }

    public void tellWith(Notices notices) {
        this.notices = notices;
    }

    public void wake() {
        pool.wake();
    }

    public boolean running() {
        return pool.running();
    }

    Optional<Long> claim(String worker) {
        return jdbi.inTransaction(h -> {
            ActionDao dao = h.attach(ActionDao.class);
            Instant now = now();
            Optional<Long> id = dao.lockNextDue(now);
            id.ifPresent(r -> dao.lease(r, now.plus(lease), now));
            return id;
        });
    }

    /** One attempt at one request. */
    void process(long requestId, String worker) {
        ActionRequest request = jdbi.withExtension(ActionDao.class, d -> d.find(requestId)).orElse(null);
        if (request == null || !ActionRequest.RUNNING.equals(request.state())) return;
        MediaRecord media = this.media.find(request.mediaId()).orElseThrow();
        Instance instance = media.source().instanceId() == null ? null : instances.find(media.source().instanceId()).orElse(null);
        Optional<Action> plugin = plugins.actionFor(request.action(), instance == null ? null : instance.kind().wireName());
        if (plugin.isEmpty()) {
            finish(request, "none", ActionOutcome.failed(null, "no enabled plugin carries out '" + request.action()
                    + "' for " + (instance == null ? "media without an instance" : instance.kind() + " instances")));
            return;
        }
        Action action = plugin.get();
        if (instance != null && media.source().statusId() != null) {
            // remembered before acting: the instance may echo the action back before the call returns
            rememberActedOn(instance.id(), media.source().statusId());
        }
        Map<String, String> params = params(request);
        Notices tell = notices;
        if (tell != null && TELLING.contains(request.action()) && !params.containsKey("text")) {
            Optional<String> text = tell.textFor(request.id());
            if (text.isPresent()) {
                params = new java.util.HashMap<>(params);
                params.put("text", text.get());
            }
        }
        ActionOutcome outcome;
        try {
            outcome = action.execute(new ActionContext(request.id(), request.action(), params,
                    request.requestedBy(), pluginMedia(media), pluginInstance(instance), plugins.settings(action.name())));
            if (outcome == null) outcome = ActionOutcome.failed(null, action.name() + " returned no outcome");
        } catch (Exception e) {
            outcome = ActionOutcome.retry(null, action.name() + ": " + e.getClass().getSimpleName());
        }
        finish(request, action.name(), outcome);
        if (tell != null && TELLING.contains(request.action())) tell.attempted(request.id(), request.action(), action.name(), outcome);
    }

    /** The actions whose call carries a message to the account holder (Mastodon's account action {@code text}). */
    private static final java.util.Set<String> TELLING = java.util.Set.of("account_action");

    /**
     * Two actions on one status (a report and an account action) run on two workers at once: both may find no
     * row and insert, and the loser's unique violation just means the row is there.
     */
    private void rememberActedOn(long instanceId, String statusId) {
        jdbi.useExtension(ActionDao.class, d -> {
            if (d.touchActedOn(instanceId, statusId, now()) > 0) return;
            try {
                d.rememberActedOn(instanceId, statusId, now());
            } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
                if (!Sql.isUniqueViolation(e)) throw e;
            }
        });
    }

    private void finish(ActionRequest request, String plugin, ActionOutcome outcome) {
        Instant now = now();
        String detail = truncate(outcome.detail(), 1000);
        String state;
        Instant next = null;
        if (outcome.status() == ActionOutcome.Status.DONE) {
            state = ActionRequest.DONE;
        } else if (outcome.status() == ActionOutcome.Status.RETRY && request.attempts() < maxAttempts) {
            state = ActionRequest.PENDING;
            next = now.plus(firstBackoff.multipliedBy(1L << Math.min(16, request.attempts() - 1)));
        } else {
            state = ActionRequest.FAILED;
        }
        String finalState = state;
        Instant nextAttempt = next;
        jdbi.useTransaction(h -> {
            ActionDao dao = h.attach(ActionDao.class);
            dao.recordAttempt(request.id(), request.attempts(), plugin, outcome.status().name().toLowerCase(),
                    outcome.httpStatus(), detail, now);
            dao.settle(request.id(), finalState, detail, nextAttempt, remoteId(outcome), now);
            // every attempt and its outcome in the hash-chained audit log, in the same transaction
            audit.append(h, plugin, "action_" + outcome.status().name().toLowerCase(), "media:" + request.mediaId(),
                    request.action() + " attempt " + request.attempts() + " → " + finalState + ": " + detail);
        });
        log.info("event=action_attempt request={} media={} action={} plugin={} attempt={} outcome={} state={}",
                request.id(), request.mediaId(), request.action(), plugin, request.attempts(),
                outcome.status(), finalState);
    }

    private PluginMedia pluginMedia(MediaRecord m) {
        List<PluginMedia.Evidence> evidence = new ArrayList<>();
        for (MatchRecord r : this.media.matches(m.id())) {
            if (r.observed() || r.vetoed()) continue;
            evidence.add(new PluginMedia.Evidence(r.bankName(),
                    r.labels().isEmpty() ? List.of() : Arrays.asList(r.labels().split(",")), r.signalType(),
                    r.distance(), r.variant()));
        }
        return new PluginMedia(m.id(), m.source().attachmentId(), m.source().statusId(), m.source().statusUrl(), m.source().accountId(), m.source().acct(), m.source().reportId(), m.source().fetchUrl(),
                m.hashes().pdq(), m.hashes().md5(), m.hashes().sha256(),
                m.verdict().decision() == null ? null : m.verdict().decision().wireName(), evidence); // plugins see strings
    }

    private PluginInstance pluginInstance(Instance i) {
        if (i == null) return null;
        return new PluginInstance(i.name(), i.kind().wireName(), i.baseUrl(), instances.apiToken(i).orElse(null));
    }

    private static Map<String, String> params(ActionRequest request) {
        if (request.params() == null || request.params().isBlank()) return Map.of();
        try {
            return JSON.readValue(request.params(), new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            return Map.of();
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The id of what a done action created on the instance, if it looks like an id (it is matched, not shown). */
    private static String remoteId(ActionOutcome outcome) {
        String id = outcome.remoteId();
        boolean usable = outcome.status() == ActionOutcome.Status.DONE && id != null && !id.isBlank() && id.length() <= 64;
        return usable ? id : null;
    }

    private static String truncate(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, max);
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public List<ActionsTaken.Taken> forMedia(long mediaId) {
        return jdbi.withExtension(ActionDao.class, dao -> dao.forMedia(mediaId)).stream()
                .map(a -> new ActionsTaken.Taken(a.id(), a.action(), a.state(), a.attempts(), a.result())).toList();
    }
}
