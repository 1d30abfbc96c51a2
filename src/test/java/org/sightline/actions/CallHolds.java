package org.sightline.actions;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** For the fake servers: holds the next call open until a test lets it go, so a race can be staged. */
final class CallHolds {
    private final ConcurrentLinkedDeque<CountDownLatch[]> holds = new ConcurrentLinkedDeque<>();

    /** The next call says so on {@code arrived}, then waits until {@code gate} opens. */
    void holdNext(CountDownLatch arrived, CountDownLatch gate) {
        holds.add(new CountDownLatch[]{arrived, gate});
    }

    /** Called by the fake as a call comes in. */
    void passOrWait() {
        CountDownLatch[] hold = holds.poll();
        if (hold == null) return;
        hold[0].countDown();
        try {
            hold[1].await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
