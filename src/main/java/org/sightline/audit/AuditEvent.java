package org.sightline.audit;

import java.time.Instant;

/** One audit log row: who did what to which target, when and why, chained to the row before. */
public record AuditEvent(long seq, Instant at, String actor, String action, String target, String detail,
                         String prevHash, String hash) {
}
