package org.sightline.actions;

import java.time.Instant;

/** One attempt at an action request, kept for the case history. */
public record ActionAttempt(long id, long requestId, int attempt, String plugin, String outcome, Integer httpStatus,
                            String detail, Instant at) {
}
