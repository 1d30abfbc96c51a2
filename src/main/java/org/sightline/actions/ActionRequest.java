package org.sightline.actions;

import java.time.Instant;

/** An action a bank policy or a moderator asked for, and where it stands. */
public record ActionRequest(long id, long mediaId, String action, String state, String requestedBy, Instant createdAt,
                            int attempts, Instant nextAttemptAt, Instant leaseUntil, String params, String result,
                            Instant updatedAt) {
    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
}
