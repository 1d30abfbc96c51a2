package org.sightline.banks;

import org.sightline.matching.SignalType;
import org.sightline.store.Periodic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Repairs the match index when it may have lost a committed change: at once after a failed update (retrying
 * with back-off while the rebuild itself fails, e.g. still short of memory), and when a periodic comparison with
 * the database finds a difference that is not a change in flight.
 */
public final class IndexGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IndexGuard.class);
    /** How soon a failed update is noticed. */
    private static final long TICK_MS = 1000;
    /** Longest wait between two failed rebuilds. */
    private static final long MAX_BACKOFF_MS = 60_000;
    /** A difference seen twice this far apart, with no commit in between, is real. */
    private static final long CONFIRM_MS = 2000;

    private final BankService banks;
    private final Duration checkInterval;
    private Periodic timer;
    private long nextRepairAt;
    private long backoffMs = TICK_MS;
    private long nextCheckAt;

    public IndexGuard(BankService banks, Duration checkInterval) {
        this.banks = banks;
        this.checkInterval = checkInterval;
    }

    public synchronized void start() {
        if (timer != null) return;
        nextCheckAt = System.currentTimeMillis() + checkInterval.toMillis();
        timer = Periodic.every("bank-index-guard", Duration.ofMillis(TICK_MS), this::tick);
    }

    /** A failure here is logged by {@link Periodic} and the next tick tries again. */
    private void tick() {
        long now = System.currentTimeMillis();
        if (!banks.indexInStep() && now >= nextRepairAt) repair(now);
        if (checkInterval.toMillis() > 0 && now >= nextCheckAt) {
            nextCheckAt = now + checkInterval.toMillis();
            compare();
        }
    }

    private void repair(long now) {
        long started = System.nanoTime();
        try {
            banks.repairIndex();
            backoffMs = TICK_MS;
            log.info("bank index rebuilt from the database in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException | OutOfMemoryError e) {
            nextRepairAt = now + backoffMs;
            log.error("rebuilding the bank index failed ({}); trying again in {} s", e.getClass().getSimpleName(),
                    backoffMs / 1000);
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
    }

    /** Compares with the database; a difference is confirmed once more before the index is called stale. */
    private void compare() {
        List<SignalType> differ = banks.indexDifferences();
        if (differ.isEmpty()) return;
        try {
            Thread.sleep(CONFIRM_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        List<SignalType> still = banks.indexDifferences();
        still.retainAll(differ);
        if (!still.isEmpty()) {
            banks.markIndexStale("the index differs from the database's active entries for " + still);
        }
    }

    @Override
    public synchronized void close() {
        Periodic.close(timer);
        timer = null;
    }
}
