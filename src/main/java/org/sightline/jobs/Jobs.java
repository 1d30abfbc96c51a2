package org.sightline.jobs;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sightline.common.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Long work recorded as jobs: created by a feature, run here by the handler registered for its kind, with its
 * progress and cursor stored at every step. A job whose node dies is taken over by another node once its lease
 * lapses ({@link #LEASE}) and resumes from its cursor; a cancelled job stops at its next step.
 */
public final class Jobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);
    /** How long a running job is held without a step: another node takes it over within this. */
    public static final Duration LEASE = Duration.ofSeconds(60);

    /** Runs one job; {@code step} records progress and says whether to go on. */
    public interface Handler {
        void run(Job job, Step step) throws Exception;
    }

    /** Records progress; false when the job was cancelled (or taken over): the handler stops at once. */
    public interface Step {
        boolean progress(long done, Long total, String cursor);
    }

    /** A failure whose message is safe to show as the job's error. */
    public static final class Failure extends Exception {
        public Failure(String message) {
            super(message);
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration poll;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> running = new ConcurrentHashMap<>();
    private final String node = "jobs-" + UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore wakeUp = new Semaphore(0);
    private final int concurrency;
    private ExecutorService pool;
    private Thread scheduler;
    private volatile boolean stopping;

    public Jobs(Jdbi jdbi, Clock clock, Duration poll, int concurrency) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.poll = poll;
        this.concurrency = concurrency;
    }

    /** Registers the handler of {@code kind} (before {@link #start()}). */
    public void register(String kind, Handler handler) {
        handlers.put(kind, handler);
    }

    /** Creates a queued job in the caller's transaction; runs once that commits and a node picks it up. */
    public long create(Handle h, String kind, String subject, String params, String actor) {
        return h.attach(JobDao.class).insert(kind, subject, params, actor, now());
    }

    /** A job asked for: {@code created} false when one was already queued or running (that one is {@code id}). */
    public record Started(long id, boolean created) {
    }

    /**
     * Queues a job of {@code kind} about {@code subject} unless one is already queued or running, with
     * {@code alsoInTransaction} (its audit event, given the new job's id), and wakes the runners.
     */
    public Started startOnce(String kind, String subject, String params, String actor,
                             java.util.function.BiConsumer<Handle, Long> alsoInTransaction) {
        List<Job> running = unfinished(kind, subject);
        if (!running.isEmpty()) return new Started(running.get(0).id(), false);
        long id = jdbi.inTransaction(h -> {
            long job = create(h, kind, subject, params, actor);
            alsoInTransaction.accept(h, job);
            return job;
        });
        wake();
        return new Started(id, true);
    }

    /** The latest job about {@code subject}, if any. */
    public Optional<Job> latest(String subject) {
        return recent(subject, 1).stream().findFirst();
    }

    public Optional<Job> find(long id) {
        return jdbi.withExtension(JobDao.class, d -> d.find(id));
    }

    /** The latest jobs about {@code subject}, newest first. */
    public List<Job> recent(String subject, int n) {
        return jdbi.withExtension(JobDao.class, d -> d.recent(subject, n));
    }

    /** The queued or running jobs of {@code kind} about {@code subject}. */
    public List<Job> unfinished(String kind, String subject) {
        return jdbi.withExtension(JobDao.class, d -> d.unfinished(kind, subject));
    }

    /**
     * Cancels a queued or running job, with {@code alsoInTransaction} (its audit event); refused when it is
     * unknown or already finished.
     */
    public Job cancel(long id, Consumer<Handle> alsoInTransaction) {
        jdbi.useTransaction(h -> {
            JobDao dao = h.attach(JobDao.class);
            Job job = dao.find(id).orElseThrow(() -> Refusal.notFound("no job " + id));
            if (job.state().finished()) throw Refusal.conflict("job " + id + " is already " + job.state());
            dao.cancel(id, now());
            alsoInTransaction.accept(h);
        });
        return find(id).orElseThrow();
    }

    public synchronized void start() {
        if (scheduler != null) return;
        pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "job");
            t.setDaemon(true);
            return t;
        });
        scheduler = new Thread(this::schedule, "job-scheduler");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    /** Looks for new jobs now (after one was created). */
    public void wake() {
        wakeUp.release();
    }

    private void schedule() {
        while (!stopping) {
            try {
                if (!handlers.isEmpty() && running.size() < concurrency) {
                    Instant now = now();
                    for (long id : jdbi.withExtension(JobDao.class, d -> d.runnable(List.copyOf(handlers.keySet()), now))) {
                        if (running.size() >= concurrency) break;
                        if (running.containsKey(id)) continue;
                        String lease = node + ":" + UUID.randomUUID().toString().substring(0, 8);
                        if (jdbi.withExtension(JobDao.class, d -> d.claim(id, lease, now, now.plus(LEASE))) != 1) continue;
                        running.put(id, true);
                        pool.execute(() -> run(id, lease));
                    }
                }
                wakeUp.drainPermits();
                wakeUp.tryAcquire(poll.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("event=job_schedule_failed error={}", e.getClass().getSimpleName());
                try {
                    Thread.sleep(poll.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void run(long id, String lease) {
        try {
            Job job = find(id).orElseThrow();
            Handler handler = handlers.get(job.kind());
            String error = null;
            JobState end = JobState.DONE;
            try {
                handler.run(job, (done, total, cursor) -> !stopping && jdbi.withExtension(JobDao.class,
                        d -> d.step(id, lease, done, total, cursor, now().plus(LEASE))) == 1);
            } catch (Failure e) {
                end = JobState.FAILED;
                error = e.getMessage();
            } catch (Exception e) {
                end = JobState.FAILED;
                error = "internal error: " + e.getClass().getSimpleName();
                log.error("event=job_failed job={} kind={} error={}", id, job.kind(), e.getClass().getSimpleName());
            }
            if (stopping) return; // shutting down: the lease lapses and a node resumes it from its cursor
            String shown = error == null ? null : error.length() <= 500 ? error : error.substring(0, 500);
            JobState state = end;
            jdbi.useExtension(JobDao.class, d -> d.finish(id, lease, state, shown, now()));
        } catch (RuntimeException e) {
            log.warn("event=job_finish_failed job={} error={}", id, e.getClass().getSimpleName());
        } finally {
            running.remove(id);
            wakeUp.release();
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public synchronized void close() {
        stopping = true;
        if (scheduler != null) {
            scheduler.interrupt();
            scheduler = null;
        }
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool = null;
            try {
                jdbi.useExtension(JobDao.class, d -> d.release(node + ":%"));
            } catch (RuntimeException e) {
                log.warn("event=job_release_failed error={}", e.getClass().getSimpleName()); // leases lapse by themselves
            }
        }
    }
}
