package org.sightline.dsa;

import java.time.Instant;

/** A person's answer to a statement ({@code appeals}): open, then upheld or overturned by someone else. */
public record Appeal(long id, long statementId, String body, String state, Instant createdAt, String decidedBy,
                     Instant decidedAt, String reason, String undoSummary) {
    public static final String OPEN = "open";
    public static final String UPHELD = "upheld";
    public static final String OVERTURNED = "overturned";
}
