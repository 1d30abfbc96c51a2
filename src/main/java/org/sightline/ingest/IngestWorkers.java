package org.sightline.ingest;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of workers that claim due media rows ({@code FOR UPDATE SKIP LOCKED}, so several nodes
 * can share one PostgreSQL), lease them, and process them. A worker that dies mid-job leaves its lease to
 * expire; the item is then claimed again (at-least-once, with idempotent effects in {@link MediaProcessor}).
 */
public final class IngestWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestWorkers.class);

    private final Jdbi jdbi;
    private final MediaProcessor processor;
    private final Clock clock;
    private final int workers;
    private final Duration lease;
    private final Duration idlePoll;
    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger alive = new AtomicInteger();
    private ExecutorService pool;

    public IngestWorkers(Jdbi jdbi, MediaProcessor processor, Clock clock, int workers, Duration lease, Duration idlePoll) {
        this.jdbi = jdbi;
        this.processor = processor;
        this.clock = clock;
        this.workers = workers;
        this.lease = lease;
        this.idlePoll = idlePoll;
    }

    /** Starts the workers; with {@code ingest.workers: 0} this node only ingests and others process. */
    public synchronized void start() {
        if (workers == 0 || !running.compareAndSet(false, true)) return;
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "ingest-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < workers; i++) pool.submit(this::loop);
    }

    /** Lets idle workers look for work now instead of at their next poll. */
    public void wake() {
        wake.release(workers);
    }

    public boolean running() {
        return workers == 0 || running.get() && alive.get() == workers;
    }

    public String node() {
        return node;
    }

    private void loop() {
        alive.incrementAndGet();
        String worker = node + "/" + Thread.currentThread().getName();
        try {
            while (running.get() && !Thread.currentThread().isInterrupted()) {
                Optional<Long> claimed;
                try {
                    claimed = claim(worker);
                } catch (RuntimeException e) {
                    log.warn("event=claim_failed error=\"{}\"", e.getMessage());
                    claimed = Optional.empty();
                }
                if (claimed.isEmpty()) {
                    wake.tryAcquire(idlePoll.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                try {
                    processor.process(claimed.get(), worker);
                } catch (RuntimeException e) {
                    // the lease expires and the item is retried; the cause goes to the log without payloads
                    log.error("event=media_failed media={} error=\"{}\"", claimed.get(), e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            alive.decrementAndGet();
        }
    }

    /** Claims the next due item in a short transaction of its own. */
    Optional<Long> claim(String worker) {
        return jdbi.inTransaction(h -> {
            MediaDao dao = h.attach(MediaDao.class);
            Instant now = clock.instant();
            Optional<Long> id = dao.lockNextDue(now);
            id.ifPresent(m -> dao.lease(m, now.plus(lease), worker));
            return id;
        });
    }

    /** Claims one specific queued item (the scan API's own); empty if a worker already has it. */
    public Optional<Long> claim(long mediaId, String worker) {
        return jdbi.inTransaction(h -> {
            MediaDao dao = h.attach(MediaDao.class);
            Optional<Long> id = dao.lockIfQueued(mediaId);
            id.ifPresent(m -> dao.lease(m, clock.instant().plus(lease), worker));
            return id;
        });
    }

    /** Stops at once: jobs in flight are abandoned and their leases expire (a restart picks them up). */
    @Override
    public synchronized void close() {
        if (!running.compareAndSet(true, false)) return;
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
