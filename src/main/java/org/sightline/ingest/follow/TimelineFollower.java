package org.sightline.ingest.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.common.Refusal;
import org.sightline.ingest.IngestMetrics;
import org.sightline.ingest.MediaDao;
import org.sightline.instances.FollowState;
import org.sightline.instances.FollowState.Phase;
import org.sightline.instances.Follows;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceKind;
import org.sightline.instances.InstanceService;
import org.sightline.instances.Watch;
import org.sightline.jobs.Job;
import org.sightline.jobs.Jobs;
import org.sightline.store.Periodic;
import org.sightline.store.Sql;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Follows the public timelines of watched Mastodon-API instances, so that media federated to them (which their
 * webhooks never show) and media posted there are scanned. Per instance, one node at a time (a lease in
 * {@code instance_follows}, renewed every {@code follow.check_ms}; another node takes over once it lapses):
 * <ol>
 * <li>opens the server-sent-event stream (Mastodon; its host from {@code /api/v2/instance}), so that what is
 * published from now on waits in the connection;</li>
 * <li>pages the timeline from the last status id stored ({@code min_id}) until caught up: nothing published
 * while the stream was down, or Sightline stopped, is missed;</li>
 * <li>reads the stream: {@code update} and {@code status.update} queue new media, {@code delete} is recorded,
 * heartbeats ({@code :thump}) keep it alive; a silent or closed stream is reconnected.</li>
 * </ol>
 * Failures back off exponentially with jitter; a 429 waits as long as the instance asks; a refused token (401,
 * 403) stops following with a message for the admin until the watch setting is set again. Instances of kind
 * {@code pleroma} (Pleroma, Akkoma, GoToSocial) serve their streaming API as a WebSocket only: it is read with
 * Jetty's WebSocket client ({@link WebSocketStream}), the same way. Backfills are jobs ({@link Jobs}) paging back with {@code max_id}.
 */
public final class TimelineFollower implements Follows, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TimelineFollower.class);
    public static final String BACKFILL = "backfill";
    /** Statuses read from a stream in a burst written in one transaction at most. */
    private static final int BATCH = 100;
    /** How often a heartbeat is written down (the panel's "last event"): not for every one. */
    private static final Duration HEARD_EVERY = Duration.ofSeconds(10);

    private final Jdbi jdbi;
    private final InstanceService instances;
    private final IngestMetrics metrics;
    private final Runnable wakeWorkers;
    private final Clock clock;
    private final FollowSettings settings;
    private final Jobs jobs;
    private final AuditLog audit;
    private final TimelineApi api;
    private final StatusIntake intake = new StatusIntake();
    private final ObjectMapper json = new ObjectMapper();
    private final String node = "follow-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<Long, Follow> active = new ConcurrentHashMap<>();
    private Periodic supervisor;
    private volatile boolean closed;
    private WebSocketClient webSockets;

    public TimelineFollower(Jdbi jdbi, InstanceService instances, IngestMetrics metrics, Runnable wakeWorkers,
                            Clock clock, FollowSettings settings, Jobs jobs, AuditLog audit) {
        this.jdbi = jdbi;
        this.instances = instances;
        this.metrics = metrics;
        this.wakeWorkers = wakeWorkers;
        this.clock = clock;
        this.settings = settings;
        this.jobs = jobs;
        this.audit = audit;
        this.api = new TimelineApi(clock);
        jobs.register(BACKFILL, this::runBackfill);
        instances.onWatchChange(this::watchChanged);
    }

    /** Starts following every watched instance nobody else follows, and keeps checking. */
    public synchronized void start() {
        if (supervisor != null || closed) return;
        supervisor = Periodic.start("follow-check", Duration.ZERO, settings.check(), this::check);
    }

    private void watchChanged(Instance instance) {
        jdbi.useExtension(FollowDao.class, d -> d.restart(instance.id()));
        Periodic s;
        synchronized (this) {
            s = supervisor;
        }
        if (s != null) s.runNow();
    }

    /** Renews this node's follows, ends those no longer wanted, starts those nobody holds. */
    private void check() {
        try {
            List<Instance> listed = instances.list();
            java.util.Set<Long> ids = new java.util.HashSet<>();
            for (Instance i : listed) ids.add(i.id());
            // a removed instance is no longer listed: its follow ends here
            for (Map.Entry<Long, Follow> e : active.entrySet()) {
                if (!ids.contains(e.getKey())) {
                    e.getValue().stop();
                    active.remove(e.getKey(), e.getValue());
                }
            }
            for (Instance i : listed) {
                boolean wanted = i.followable() && i.watch() != Watch.NONE && i.apiToken() != null;
                Follow f = active.get(i.id());
                if (f != null) {
                    Instant now = now();
                    boolean held = wanted && !f.finished && f.watch == i.watch()
                            && jdbi.withExtension(FollowDao.class, d -> d.renew(i.id(), f.lease, now.plus(settings.lease()))) == 1;
                    if (held) {
                        if (f.lastHeard.plus(settings.idle()).isBefore(now)) f.silent();
                        continue;
                    }
                    f.stop();
                    active.remove(i.id(), f);
                }
                if (wanted) claim(i);
            }
        } catch (RuntimeException e) {
            log.warn("event=follow_check_failed error={}", e.getClass().getSimpleName());
        }
    }

    private void claim(Instance instance) {
        if (closed) return;
        FollowDao dao = jdbi.onDemand(FollowDao.class);
        if (dao.state(instance.id()).isEmpty()) {
            try {
                dao.create(instance.id());
            } catch (RuntimeException e) {
                if (!Sql.isUniqueViolation(e)) throw e; // another node created it first
            }
        }
        String lease = node + ":" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = now();
        if (dao.claim(instance.id(), lease, now, now.plus(settings.lease())) != 1) return;
        Follow f = new Follow(instance, lease);
        active.put(instance.id(), f);
        f.thread.start();
        if (closed) { // closed while this check claimed it: close() may have missed it
            f.stop();
            active.remove(instance.id(), f);
        }
    }

    @Override
    public Optional<FollowState> state(Instance instance) {
        return jdbi.withExtension(FollowDao.class, d -> d.state(instance.id()));
    }

    /** This node's follow threads, for tests and the bench: instance ids. */
    public java.util.Set<Long> following() {
        return java.util.Set.copyOf(active.keySet());
    }

    // ---------------------------------------------------------------------------------------------- one follow

    /** Following one instance on this node, under one lease. */
    private final class Follow implements Runnable {
        final Instance instance;
        final Watch watch;
        final String lease;
        final Thread thread;
        volatile boolean stopped;
        volatile boolean finished;
        volatile boolean wentSilent;
        volatile InputStream stream;
        volatile WebSocketStream socket;
        volatile Instant lastHeard = now();
        private Instant heardWritten = Instant.EPOCH;
        /** The newest status id stored (the cursor), as this follow last wrote it. */
        private String last;
        /** Statuses read from the stream, not yet written. */
        private final List<JsonNode> pending = new ArrayList<>();

        Follow(Instance instance, String lease) {
            this.instance = instance;
            this.watch = instance.watch();
            this.lease = lease;
            this.thread = new Thread(this, "follow-" + instance.name());
            this.thread.setDaemon(true);
        }

        void stop() {
            stopped = true;
            closeStream();
            thread.interrupt();
        }

        /** The stream said nothing for too long: drop it, the loop reconnects. */
        void silent() {
            wentSilent = true;
            closeStream();
            thread.interrupt(); // a read blocked on the closed stream wakes up
        }

        private void closeStream() {
            WebSocketStream ws = socket;
            if (ws != null) ws.close();
            InputStream in = stream;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing is all that is wanted
                }
            }
        }

        @Override
        public void run() {
            FollowDao dao = jdbi.onDemand(FollowDao.class);
            Backoff backoff = new Backoff(settings.backoffMin(), settings.backoffMax());
            boolean first = true;
            String token = instances.apiToken(instance).orElse(null);
            try {
                while (!stopped && token != null) {
                    try {
                        boolean sse = instance.kind() == InstanceKind.MASTODON;
                        if (!first) {
                            dao.reconnected(instance.id(), lease);
                            metrics.reconnect(instance.name());
                        }
                        first = false;
                        // opened before catching up: what is published meanwhile waits in the connection
                        String streamingBase = api.streamingBase(instance.baseUrl(), token);
                        InputStream in = null;
                        WebSocketStream ws = null;
                        if (sse) {
                            in = api.openStream(streamingBase, token, watch);
                            stream = in;
                        } else { // Pleroma, Akkoma, GoToSocial: the WebSocket form only
                            ws = WebSocketStream.open(webSockets(), streamingBase, token, watch);
                            socket = ws;
                        }
                        lastHeard = now();
                        if (stopped) break;
                        dao.phase(instance.id(), lease, Phase.CATCHING_UP);
                        catchUp(dao, token);
                        dao.phase(instance.id(), lease, Phase.FOLLOWING);
                        backoff.reset();
                        if (sse) read(in, dao);
                        else readWebSocket(ws, dao);
                        throw new TimelineApi.ApiFailure("the stream closed", false, null);
                    } catch (TimelineApi.ApiFailure e) {
                        if (stopped) break;
                        String message = wentSilent ? "the stream was silent for " + settings.idle().toSeconds()
                                + " s" : e.getMessage();
                        wentSilent = false;
                        if (e.stop) {
                            dao.failed(instance.id(), lease, Phase.STOPPED, truncate(message), now());
                            log.warn("event=follow_stopped instance={} reason=\"{}\"", instance.name(), message);
                            return;
                        }
                        Duration wait = backoff.next(e.wait);
                        dao.failed(instance.id(), lease, Phase.BACKING_OFF, truncate(message), now());
                        log.info("event=follow_backoff instance={} wait_ms={} reason=\"{}\"", instance.name(),
                                wait.toMillis(), message);
                        pause(wait);
                    } catch (LeaseLost e) {
                        return; // another node follows it now
                    } catch (RuntimeException e) {
                        if (stopped) break;
                        log.error("event=follow_error instance={} error={}", instance.name(), Sql.describe(e));
                        dao.failed(instance.id(), lease, Phase.BACKING_OFF, "internal error: "
                                + e.getClass().getSimpleName(), now());
                        pause(backoff.next(null));
                    } finally {
                        closeStream();
                        stream = null;
                        socket = null;
                    }
                }
            } finally {
                finished = true;
                try {
                    dao.release(instance.id(), lease);
                } catch (RuntimeException ignored) {
                    // the lease lapses by itself
                }
            }
        }

        /** Pages the timeline from the stored last id until caught up; the first time, only notes where now is. */
        private void catchUp(FollowDao dao, String token) throws TimelineApi.ApiFailure {
            last = dao.state(instance.id()).map(FollowState::lastStatusId).orElse(null);
            pending.clear();
            if (last == null) {
                // what was posted before Sightline watched is a backfill's work, not the stream's
                TimelineApi.Page newest = api.timeline(instance.baseUrl(), token, watch, null, null, 1);
                if (!newest.statuses().isEmpty()) queue(newest.statuses().subList(0, 0), "gap_fill", newest.statuses().get(0).path("id").asText());
                return;
            }
            while (!stopped) {
                TimelineApi.Page page = api.timeline(instance.baseUrl(), token, watch, "min_id", last, TimelineApi.PAGE);
                if (page.statuses().isEmpty()) return;
                List<JsonNode> oldestFirst = new ArrayList<>(page.statuses());
                oldestFirst.sort(Comparator.comparing((JsonNode s) -> s.path("id").asText(), TimelineFollower::compareIds));
                String newest = oldestFirst.get(oldestFirst.size() - 1).path("id").asText();
                String from = last;
                queue(oldestFirst, "gap_fill", newest);
                if (compareIds(last, from) <= 0) return; // nothing newer came: do not ask again forever
                if (page.pause() != null && !page.pause().isZero()) {
                    pause(page.pause().compareTo(settings.backoffMax()) > 0 ? settings.backoffMax() : page.pause());
                }
                if (page.statuses().size() < TimelineApi.PAGE) return;
            }
        }

        /** Reads server-sent events until the stream ends. */
        private void read(InputStream in, FollowDao dao) throws TimelineApi.ApiFailure {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String event = null;
            StringBuilder data = new StringBuilder();
            try {
                String line;
                while (!stopped && (line = reader.readLine()) != null) {
                    Instant now = now();
                    lastHeard = now;
                    if (line.isEmpty()) {
                        if (event != null && data.length() > 0) dispatch(event, data.toString(), dao);
                        event = null;
                        data.setLength(0);
                        // written at once: whether more is buffered cannot be told reliably from the reader
                        flush();
                        continue;
                    }
                    if (line.startsWith(":")) { // a comment: Mastodon's heartbeat (":thump")
                        if (heardWritten.plus(HEARD_EVERY).isBefore(now)) {
                            dao.heard(instance.id(), lease, now);
                            heardWritten = now;
                        }
                        continue;
                    }
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) value = value.substring(1);
                    if (field.equals("event")) {
                        event = value;
                    } else if (field.equals("data")) {
                        if (data.length() > 0) data.append('\n');
                        if (data.length() + value.length() > 4_000_000) throw new TimelineApi.ApiFailure("an event over 4 MB", false, null);
                        data.append(value);
                    }
                }
                flush();
            } catch (IOException e) {
                if (stopped) return;
                Thread.interrupted(); // only the silence watchdog interrupts a follow that goes on
                throw new TimelineApi.ApiFailure("the stream broke (" + e.getClass().getSimpleName() + ")", false, null);
            }
        }

        /** Reads WebSocket messages until the stream ends or stays silent too long. */
        private void readWebSocket(WebSocketStream ws, FollowDao dao) throws TimelineApi.ApiFailure {
            while (!stopped) {
                WebSocketStream.Message m;
                try {
                    m = ws.next(settings.idle());
                } catch (InterruptedException e) {
                    if (stopped) return;
                    m = null; // the silence watchdog
                }
                if (m == null) {
                    wentSilent = true;
                    throw new TimelineApi.ApiFailure("silent", false, null);
                }
                Instant now = now();
                lastHeard = now;
                if (m.event() == null) { // a ping
                    if (heardWritten.plus(HEARD_EVERY).isBefore(now)) {
                        dao.heard(instance.id(), lease, now);
                        heardWritten = now;
                    }
                    continue;
                }
                dispatch(m.event(), m.payload(), dao);
                if (!pending.isEmpty() && (!ws.hasMore() || pending.size() >= BATCH)) flush();
            }
        }

        /** Queues the statuses read from the stream since the last flush, in one transaction. */
        private void flush() {
            if (pending.isEmpty()) return;
            String newest = last;
            for (JsonNode st : pending) newest = newer(st.get("id").asText(), newest);
            List<JsonNode> batch = List.copyOf(pending);
            pending.clear();
            queue(batch, "stream", newest);
            Instant now = clock.instant();
            for (JsonNode st : batch) {
                Instant created = parseTime(st.path("created_at").asText(""));
                if (created != null && !st.hasNonNull("edited_at")) metrics.streamLag(instance.name(), Duration.between(created, now));
            }
        }

        private void dispatch(String event, String data, FollowDao dao) {
            switch (event) {
                case "update", "status.update" -> {
                    JsonNode status;
                    try {
                        status = json.readTree(data);
                    } catch (IOException e) {
                        log.warn("event=follow_bad_event instance={} type={}", instance.name(), event);
                        return;
                    }
                    if (status == null || !status.isObject() || !status.path("id").isTextual()) return;
                    pending.add(status);
                }
                case "delete" -> {
                    flush(); // the post's media first, then its deletion
                    String id = data.trim();
                    if (id.isEmpty() || id.length() > 64) return;
                    // recorded for the media of that post only: the case shows the post is gone
                    jdbi.useTransaction(h -> {
                        FollowDao d = h.attach(FollowDao.class);
                        MediaDao media = h.attach(MediaDao.class);
                        var known = media.findByStatus(instance.id(), id);
                        if (known.isEmpty() || d.deleted(instance.id(), id) > 0) return;
                        Instant now = now();
                        d.recordDeletion(instance.id(), id, now);
                        for (var m : known) media.setMetadata(m.id(), intake.deleted(m.source().metadata(), now));
                    });
                }
                default -> {
                    // notifications, announcements, filters: nothing to scan
                }
            }
        }

        /** Queues the statuses' media and moves the cursor to {@code last}, in one transaction under the lease. */
        private void queue(List<JsonNode> statuses, String source, String newest) {
            String last = newer(newest, this.last);
            int media;
            try {
                media = queueOnce(statuses, source, last);
            } catch (RuntimeException e) {
                // a webhook queued the same attachment at the same moment: the second try sees it
                if (!Sql.isUniqueViolation(e)) throw e;
                media = queueOnce(statuses, source, last);
            }
            this.last = last;
            metrics.seen(instance.name(), source, statuses.size(), media);
            if (media > 0) wakeWorkers.run();
        }

        private int queueOnce(List<JsonNode> statuses, String source, String last) {
            Instant now = now();
            return jdbi.inTransaction(h -> {
                int media = 0;
                for (JsonNode s : statuses) media += intake.queue(h, instance, s, source, 0, now);
                if (h.attach(FollowDao.class).advance(instance.id(), lease, last, statuses.size(), media, now) != 1) {
                    throw new LeaseLost();
                }
                return media;
            });
        }

        private void pause(Duration d) {
            try {
                Thread.sleep(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                stopped = true;
            }
        }
    }

    /** The follow's lease went to another node: this one stops (its transaction rolled back). */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super("follow lease lost", null, false, false);
        }
    }

    // ------------------------------------------------------------------------------------------------ backfill

    @Override
    public long backfill(Instance instance, int days, String actor) {
        if (days < 1 || days > MAX_BACKFILL_DAYS) throw Refusal.invalid(Follows.DAYS_RULE);
        if (!instance.followable()) throw Refusal.invalid(InstanceKind.onlyFollowable("backfilled"));
        if (instance.apiToken() == null) throw Refusal.invalid("instance " + instance.name() + " has no API token yet");
        if (instance.watch() == Watch.NONE) {
            throw Refusal.invalid("choose which timelines to watch first (watch: local, remote or all): the backfill reads those");
        }
        String subject = "instance:" + instance.name();
        ObjectNode params = json.createObjectNode().put("instance_id", instance.id()).put("days", days)
                .put("watch", instance.watch().wireName());
        Jobs.Started started = jobs.startOnce(BACKFILL, subject, params.toString(), actor, (h, job) -> audit.append(h,
                actor, "instance_backfill", subject, "days=" + days + " watch=" + instance.watch().wireName() + " job=" + job));
        if (!started.created()) {
            throw Refusal.conflict("a backfill of " + instance.name() + " is already queued or running");
        }
        return started.id();
    }

    /**
     * Pages the timeline back from the job's cursor ({@code max_id}) until statuses are older than the job's
     * start less its days, queuing their media below live traffic. Progress is in hours covered of the period.
     */
    private void runBackfill(Job job, Jobs.Step step) throws Exception {
        JsonNode params = json.readTree(job.params());
        Instance instance = instances.find(params.path("instance_id").asLong()).orElseThrow(
                () -> new Jobs.Failure("the instance no longer exists"));
        String token = instances.apiToken(instance).orElseThrow(() -> new Jobs.Failure("the instance has no API token"));
        Watch watch = Watch.parse(params.path("watch").asText());
        int days = params.path("days").asInt();
        long total = days * 24L;
        Instant cutoff = job.createdAt().minus(Duration.ofDays(days));
        String maxId = job.cursor();
        Backoff backoff = new Backoff(settings.backoffMin(), settings.backoffMax());
        int failures = 0;
        while (true) {
            TimelineApi.Page page;
            try {
                page = api.timeline(instance.baseUrl(), token, watch, "max_id", maxId, TimelineApi.PAGE);
                failures = 0;
            } catch (TimelineApi.ApiFailure e) {
                if (e.stop || ++failures > 8) throw new Jobs.Failure(e.getMessage());
                Thread.sleep(backoff.next(e.wait).toMillis());
                if (!step.progress(job.done(), total, maxId)) return; // cancelled meanwhile
                continue;
            }
            List<JsonNode> newestFirst = new ArrayList<>(page.statuses());
            newestFirst.sort(Comparator.comparing((JsonNode s) -> s.path("id").asText(), TimelineFollower::compareIds).reversed());
            List<JsonNode> inRange = newestFirst.stream().filter(s -> {
                Instant created = parseTime(s.path("created_at").asText(""));
                return created == null || !created.isBefore(cutoff);
            }).toList();
            if (!inRange.isEmpty()) {
                Instant now = now();
                int media = jdbi.inTransaction(h -> {
                    int n = 0;
                    for (JsonNode s : inRange) n += intake.queue(h, instance, s, "backfill", settings.backfillPriority(), now);
                    return n;
                });
                metrics.seen(instance.name(), "backfill", inRange.size(), media);
                if (media > 0) wakeWorkers.run();
            }
            boolean end = newestFirst.isEmpty() || inRange.size() < newestFirst.size()
                    || newestFirst.size() < TimelineApi.PAGE;
            if (!newestFirst.isEmpty()) maxId = newestFirst.get(newestFirst.size() - 1).path("id").asText();
            long done = total;
            if (!end) {
                Instant oldest = parseTime(newestFirst.get(newestFirst.size() - 1).path("created_at").asText(""));
                done = oldest == null ? job.done() : Math.min(total, Math.max(0, Duration.between(oldest, job.createdAt()).toHours()));
            }
            if (!step.progress(done, total, maxId) || end) return;
            if (page.pause() != null && !page.pause().isZero()) {
                Thread.sleep(Math.min(page.pause().toMillis(), settings.backoffMax().toMillis()));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** Orders status ids: Mastodon's are decimal numbers (longer is newer), others compare as strings. */
    static int compareIds(String a, String b) {
        if (a.length() != b.length() && a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit)) {
            return Integer.compare(a.length(), b.length());
        }
        return a.compareTo(b);
    }

    private static String newer(String a, String b) {
        if (b == null) return a;
        if (a == null) return b;
        return compareIds(a, b) >= 0 ? a : b;
    }

    /**
     * Waits between tries: a step doubled after each failure up to {@code max}; each wait is between half and all
     * of the step (reconnecting nodes do not come back in step), at least what the server asked, at most
     * {@code max}.
     */
    private static final class Backoff {
        private final Duration min;
        private final Duration max;
        private Duration step;

        Backoff(Duration min, Duration max) {
            this.min = min;
            this.max = max;
            this.step = min;
        }

        /** The wait before the next try, {@code asked} (may be null) being the server's own; the step then doubles. */
        Duration next(Duration asked) {
            long ms = Math.max(1, step.toMillis());
            Duration wait = Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
            if (asked != null && asked.compareTo(wait) > 0) wait = asked;
            if (wait.compareTo(max) > 0) wait = max;
            step = step.multipliedBy(2);
            if (step.compareTo(max) > 0) step = max;
            return wait;
        }

        /** After a success: the next failure waits the shortest again. */
        void reset() {
            step = min;
        }
    }

    private static Instant parseTime(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The WebSocket client, started on first use and stopped with the follower. */
    private synchronized WebSocketClient webSockets() throws TimelineApi.ApiFailure {
        if (webSockets == null) {
            WebSocketClient client = new WebSocketClient();
            client.setIdleTimeout(Duration.ofDays(1)); // silence is judged by follow.idle_s
            try {
                client.start();
            } catch (Exception e) {
                throw new TimelineApi.ApiFailure("streaming: the WebSocket client did not start", false, null);
            }
            webSockets = client;
        }
        return webSockets;
    }

    @Override
    public void close() {
        Periodic s;
        synchronized (this) {
            closed = true;
            s = supervisor;
            supervisor = null;
        }
        Periodic.close(s);
        for (Follow f : active.values()) f.stop();
        for (Follow f : active.values()) {
            try {
                f.thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        active.clear();
        WebSocketClient client;
        synchronized (this) {
            client = webSockets;
            webSockets = null;
        }
        if (client != null) {
            try {
                client.stop();
            } catch (Exception e) {
                log.warn("event=websocket_client_stop_failed error={}", e.getClass().getSimpleName());
            }
        }
    }
}
