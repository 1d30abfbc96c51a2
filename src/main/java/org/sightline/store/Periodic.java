package org.sightline.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task run on a schedule by one daemon thread of its own: the background jobs (list syncs, purges, the index
 * guard, pollers) share it instead of each building an executor. A run that throws is logged as
 * {@code event=<name>_failed} and the schedule goes on; an interval of zero or less means never.
 */
public final class Periodic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    private final String name;
    private final Runnable task;
    private final ScheduledExecutorService timer;

    private Periodic(String name, Runnable task, ScheduledExecutorService timer) {
        this.name = name;
        this.task = task;
        this.timer = timer;
    }

    /** Runs {@code task} after {@code first}, then {@code every} after each run ends; null when {@code every} is not positive. */
    public static Periodic start(String name, Duration first, Duration every, Runnable task) {
        if (every.isZero() || every.isNegative()) return null;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        Periodic p = new Periodic(name, task, timer);
        timer.scheduleWithFixedDelay(p::runLogged, Math.max(0, first.toMillis()), every.toMillis(), TimeUnit.MILLISECONDS);
        return p;
    }

    /** {@link #start(String, Duration, Duration, Runnable)} with the first run one interval from now. */
    public static Periodic every(String name, Duration every, Runnable task) {
        return start(name, every, every, task);
    }

    /** Runs the task once more, soon, on the schedule's own thread (never two runs at once). */
    public void runNow() {
        timer.execute(this::runLogged);
    }

    private void runLogged() {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("event={}_failed error={}", name.replace('-', '_'), Sql.describe(e));
        }
    }

    /** Stops the schedule and interrupts a run under way. */
    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** Closes {@code p} if there is one (a schedule that never started is null). */
    public static void close(Periodic p) {
        if (p != null) p.close();
    }
}
