package org.sightline.ingest;

import org.sightline.ingest.post.PostContext;

import org.sightline.decide.Decision;
import org.sightline.decide.Outcome;
import org.jdbi.v3.core.Jdbi;
import org.sightline.banks.BankService;
import org.sightline.instances.Instance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The synchronous ways in: the scan API (queue an item, and by default process it at once in the caller's
 * thread) and the pict-rs gate (bytes in, a verdict within the instance's time budget).
 */
public final class ScanService {
    private static final Logger log = LoggerFactory.getLogger(ScanService.class);

    private final Jdbi jdbi;
    private final ActionsTaken actionsTaken;
    private final MediaCatalog media;
    private final MediaProcessor processor;
    private final IngestWorkers workers;
    private final IngestMetrics metrics;
    private final ExecutorService gatePool;
    private final Clock clock;

    public ScanService(Jdbi jdbi, MediaProcessor processor, IngestWorkers workers, IngestMetrics metrics,
                       ExecutorService gatePool, Clock clock, ActionsTaken actionsTaken) {
        this.actionsTaken = actionsTaken;
        this.media = new MediaCatalog(jdbi);
        this.jdbi = jdbi;
        this.processor = processor;
        this.workers = workers;
        this.metrics = metrics;
        this.gatePool = gatePool;
        this.clock = clock;
    }

    public MediaProcessor processor() {
        return processor;
    }

    /**
     * A scan request from the API: a URL to fetch or the bytes themselves, and free context. {@code attachment}
     * is the instance's own id of the file (a Misskey drive file id), which actions act on; {@code post} what the
     * caller told of the post (shown on the case page; {@link PostContext#NONE} when nothing).
     */
    public record Request(Long instanceId, String url, byte[] bytes, String account, String status, String attachment,
                          String metadata, boolean automaticActions, PostContext post) {
        public Request {
            post = post == null ? PostContext.NONE : post;
        }

        public Request(Long instanceId, String url, byte[] bytes, String account, String status, String attachment,
                       String metadata, boolean automaticActions) {
            this(instanceId, url, bytes, account, status, attachment, metadata, automaticActions, PostContext.NONE);
        }
    }

    /** Queues the item; with {@code wait}, processes it now (or waits for the worker that took it). */
    public long submit(Request request, boolean wait, Duration maxWait) throws InterruptedException {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        long id = jdbi.inTransaction(h -> {
            MediaDao dao = h.attach(MediaDao.class);
            long mediaId = dao.insert(new MediaDao.NewMedia(request.instanceId(), "api", null,
                    new MediaDao.Post(request.status(), null, request.account(), null, request.attachment(),
                            request.url()), MediaDao.Report.NONE, request.metadata(), request.bytes(), 0, now));
            if (!request.automaticActions()) dao.withoutAutomaticActions(mediaId);
            PostContext post = request.post();
            h.attach(PostDao.class).put(mediaId, request.instanceId(), request.status(), post, now);
            // marked by its author, as a webhook's: the adult-content rule leaves such posts alone
            if (post.sensitive() != null || post.spoilerText() != null) {
                h.attach(ClassificationDao.class).setSensitive(mediaId,
                        Boolean.TRUE.equals(post.sensitive()) || post.spoilerText() != null);
            }
            return mediaId;
        });
        if (!wait) {
            workers.wake();
            return id;
        }
        String worker = workers.node() + "/api";
        if (workers.claim(id, worker).isPresent()) {
            processor.process(id, worker);
        }
        Instant deadline = clock.instant().plus(maxWait);
        while (clock.instant().isBefore(deadline)) {
            Optional<MediaRecord> m = media.find(id);
            if (m.isEmpty() || m.get().done()) break;
            Thread.sleep(50);
        }
        return id;
    }

    /** What the scan API answers about media, read through the same port as the later stages. */
    public MediaCatalog media() {
        return media;
    }

    public List<ActionsTaken.Taken> actions(long mediaId) {
        return actionsTaken.forMedia(mediaId);
    }


    /** The pict-rs verdict: accept, or reject because a {@code reject}-policy bank matched. */
    public record GateVerdict(boolean accept, Outcome decision, String reason, long mediaId) {
    }

    /**
     * Scans uploaded bytes within the instance's time budget. A failure (undecodable bytes, timeout,
     * internal error) is decided by the instance's fail mode: open accepts and queues the upload for review,
     * closed rejects it; either way the failure is counted and recorded.
     */
    public GateVerdict gate(Instance instance, byte[] bytes) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String worker = workers.node() + "/pictrs";
        long id = jdbi.inTransaction(h -> {
            MediaDao dao = h.attach(MediaDao.class);
            long mediaId = dao.insert(new MediaDao.NewMedia(instance.id(), "pictrs", null, MediaDao.Post.NONE,
                    MediaDao.Report.NONE, null, null, 0, now));
            // leased past the budget, so no worker picks it up while the gate decides
            dao.lease(mediaId, now.plusMillis(instance.timeBudgetMs()).plus(Duration.ofMinutes(2)), worker);
            return mediaId;
        });
        MediaRecord media = this.media.find(id).orElseThrow();
        Future<GateVerdict> verdict = gatePool.submit(() -> {
            MediaProcessor.Scan scan = processor.classify(processor.scan(bytes, instance), bytes, null, instance);
            BankService.MatchOutcome outcome = processor.match(scan);
            Decision decision = processor.record(media, instance, worker, scan, outcome);
            if (!scan.scanned()) return failure(instance, media, scan.outcome() + ": " + scan.reason(), false);
            boolean reject = decision.decision() == Outcome.REJECT;
            return new GateVerdict(!reject, decision.decision(), decision.reason(), id);
        });
        try {
            return verdict.get(instance.timeBudgetMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            verdict.cancel(true);
            return failure(instance, media, "no verdict within " + instance.timeBudgetMs() + " ms", true);
        } catch (ExecutionException e) {
            log.error("pict-rs gate for {} failed: {}", instance.name(), org.sightline.store.Sql.describe(e.getCause()));
            return failure(instance, media, "internal error", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(instance, media, "interrupted", true);
        }
    }

    /** Applies the fail mode; {@code record}: the failure still has to be written as a review case. */
    private GateVerdict failure(Instance instance, MediaRecord media, String why, boolean record) {
        metrics.pictrsFailure(instance.failMode());
        if (record) {
            processor.record(media, instance, media.work().leasedBy(), new MediaProcessor.Scan(ScanOutcome.DECODE_FAILED,
                    "pict-rs gate: " + why, 0, null, null), new BankService.MatchOutcome(List.of(), List.of(), List.of()));
        }
        return new GateVerdict(instance.failsOpen(), instance.failsOpen() ? Outcome.REVIEW : Outcome.REJECT,
                "pict-rs gate: " + why + " (fail mode " + instance.failMode() + ")", media.id());
    }
}
