package org.sightline.federation;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Syncs every subscription on a fixed interval, and checks flood control more often (matches at scan time
 * count too); one daemon thread per app.
 */
public final class SyncScheduler implements AutoCloseable {
    private final SubscriptionService subscriptions;
    private final Duration interval;
    private final Duration floodInterval;
    private ScheduledExecutorService timer;

    public SyncScheduler(SubscriptionService subscriptions, Duration interval, Duration floodInterval) {
        this.subscriptions = subscriptions;
        this.interval = interval;
        this.floodInterval = floodInterval;
    }

    /** Starts the schedule; an interval of zero or less means never (on-demand syncs only). */
    public synchronized void start() {
        if (timer != null || interval.isZero() || interval.isNegative()) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "list-sync");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        if (floodInterval.toMillis() > 0) {
            timer.scheduleWithFixedDelay(this::checkFlood, floodInterval.toMillis(), floodInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void checkFlood() {
        try {
            subscriptions.checkFloodAll();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SyncScheduler.class).warn("event=list_flood_check_failed error={}",
                    e.getClass().getSimpleName());
        }
    }

    private void runOnce() {
        try {
            subscriptions.syncAll();
        } catch (RuntimeException e) {
            // keep the schedule alive; syncAll stores per-subscription errors itself
            org.slf4j.LoggerFactory.getLogger(SyncScheduler.class).warn("event=list_sync_round_failed error={}",
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
