package org.sightline.ingest;

import org.jdbi.v3.core.Jdbi;
import org.sightline.store.WorkerPool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The media pipeline's workers: claim a due media row, lease it, process it (see {@link WorkerPool}). */
public final class IngestWorkers implements AutoCloseable {
    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration lease;
    private final WorkerPool pool;

    public IngestWorkers(Jdbi jdbi, MediaProcessor processor, Clock clock, int workers, Duration lease, Duration idlePoll) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.lease = lease;
        this.pool = new WorkerPool("ingest", workers, idlePoll, this::claim, processor::process);
    }

    public void start() {
        pool.start();
    }

    public void wake() {
        pool.wake();
    }

    public boolean running() {
        return pool.running();
    }

    public String node() {
        return pool.node();
    }

    /** Claims the next due item (or one whose lease ran out) in a short transaction of its own. */
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

    @Override
    public void close() {
        pool.close();
    }
}
