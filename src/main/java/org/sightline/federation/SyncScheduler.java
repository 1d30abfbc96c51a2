package org.sightline.federation;

import org.sightline.store.Periodic;

import java.time.Duration;

/**
 * Syncs every subscription on a fixed interval, and checks flood control more often (matches at scan time
 * count too).
 */
public final class SyncScheduler implements AutoCloseable {
    private final SubscriptionService subscriptions;
    private final Duration interval;
    private final Duration floodInterval;
    private Periodic syncs;
    private Periodic floodChecks;

    public SyncScheduler(SubscriptionService subscriptions, Duration interval, Duration floodInterval) {
        this.subscriptions = subscriptions;
        this.interval = interval;
        this.floodInterval = floodInterval;
    }

    /** Starts the schedule; an interval of zero or less means never (on-demand syncs only). */
    public synchronized void start() {
        if (syncs != null) return;
        // a round that fails is logged and the next one runs; syncAll stores per-subscription errors itself
        syncs = Periodic.every("list-sync-round", interval, subscriptions::syncAll);
        if (syncs != null) floodChecks = Periodic.every("list-flood-check", floodInterval, subscriptions::checkFloodAll);
    }

    @Override
    public synchronized void close() {
        Periodic.close(syncs);
        Periodic.close(floodChecks);
        syncs = null;
        floodChecks = null;
    }
}
