package org.sightline.ingest;

/**
 * Ingest's port to flood control (implemented by {@code federation}, wired in {@code boot.App}), asked as each
 * scan's matches are about to be recorded, so a list that suddenly matches too much is stopped within its limit
 * rather than at the next periodic check.
 */
@FunctionalInterface
public interface FloodGate {
    /** Lets every match count: no subscribed lists. */
    FloodGate OPEN = (bankId, mediaId) -> true;

    /**
     * Whether a match of {@code mediaId} in the enforce-mode bank {@code bankId} may still count. False when the
     * bank's list has matched more distinct media in the last hour than allowed: the bank was switched to observe
     * (with an alert), and this match is recorded as observed.
     */
    boolean admit(long bankId, long mediaId);
}
