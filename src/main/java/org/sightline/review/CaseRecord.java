package org.sightline.review;

import java.time.Instant;

/** A unit of review: here, one media item that matched a bank or could not be scanned. */
public record CaseRecord(long id, long mediaId, CaseState state, int priority, String reason, String autoOutcome,
                         Instant createdAt, Instant updatedAt) {
}
