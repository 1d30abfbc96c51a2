package org.sightline.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of workers over database work items: each worker claims an item (the claim function locks
 * and leases a row, e.g. with {@code FOR UPDATE SKIP LOCKED}, so several nodes can share one PostgreSQL),
 * processes it, and polls again; {@link #wake} cuts the wait when new work was just written. A worker that
 * dies mid-job leaves its lease to expire, and the item is claimed again (at-least-once).
 */
public final class WorkerPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    /** Claims one item for {@code worker}, or nothing is due. */
    public interface Claim {
        Optional<Long> next(String worker);
    }

    /** Processes one claimed item. */
    public interface Work {
        void process(long id, String worker);
    }

    private final String name;
    private final int workers;
    private final Duration idlePoll;
    private final Claim claim;
    private final Work work;
    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger alive = new AtomicInteger();
    private ExecutorService pool;

    public WorkerPool(String name, int workers, Duration idlePoll, Claim claim, Work work) {
        this.name = name;
        this.workers = workers;
        this.idlePoll = idlePoll;
        this.claim = claim;
        this.work = work;
    }

    /** Starts the workers; with 0 workers this node leaves the items to other nodes. */
    public synchronized void start() {
        if (workers == 0 || !running.compareAndSet(false, true)) return;
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < workers; i++) pool.submit(this::loop);
    }

    public void wake() {
        wake.release(workers);
    }

    public boolean running() {
        return workers == 0 || running.get() && alive.get() == workers;
    }

    /** This process's name in leases ({@code leased_by}). */
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
                    claimed = claim.next(worker);
                } catch (RuntimeException e) {
                    log.warn("event=claim_failed pool={} error=\"{}\"", name, Sql.describe(e));
                    claimed = Optional.empty();
                }
                if (claimed.isEmpty()) {
                    wake.tryAcquire(idlePoll.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                try {
                    work.process(claimed.get(), worker);
                } catch (RuntimeException e) {
                    // the lease expires and the item is retried; database errors are described without their values
                    log.error("event=work_failed pool={} item={} error=\"{}\"", name, claimed.get(), Sql.describe(e));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            alive.decrementAndGet();
        }
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
