package org.sightline.ingest;

import org.jdbi.v3.core.mapper.Nested;
import org.sightline.decide.Outcome;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One media item as ingest's {@code media_overview} view shows it, by concern: where it came from, its place in
 * the work queue, its hashes, and the verdict. The binary blobs are read on their own.
 */
public record MediaRecord(long id, @Nested Source source, @Nested Work work, @Nested Hashes hashes,
                          @Nested Verdict verdict) {

    /** The view's columns in the order the nested records take them, for SELECTs. */
    public static final String COLUMNS = "id, instance_id, origin, source_key, status_id, status_url, account_id, acct,"
            + " attachment_id, fetch_url, report_id, report_comment, report_count, metadata, created_at,"
            + " state, attempts, next_attempt_at, lease_until, leased_by, last_error,"
            + " format, width, height, byte_size, pdq, pdq_quality, pdq_dihedral, phash, dhash, md5, sha256,"
            + " outcome, reason, decision, priority, processed_at";

    public static final String DONE = "done";

    /** Where the media came from and what reports said about it ({@code media}). */
    public record Source(Long instanceId, String origin, String sourceKey, String statusId, String statusUrl,
                         String accountId, String acct, String attachmentId, String fetchUrl, String reportId,
                         String reportComment, int reportCount, String metadata, Instant createdAt) {
    }

    /** Its work item ({@code media_work}): queued, processing under a lease, or done. */
    public record Work(String state, int attempts, Instant nextAttemptAt, Instant leaseUntil, String leasedBy,
                       String lastError) {
    }

    /** What hashing found ({@code media_signals}); all null until scanned. */
    public record Hashes(String format, Integer width, Integer height, Long byteSize, String pdq, Integer pdqQuality,
                         String pdqDihedral, String phash, String dhash, String md5, String sha256) {
    }

    /**
     * The verdict ({@code media_verdicts}); {@code reason} is the last fetch error while the item waits, and
     * {@code priority} its queue priority until decided.
     */
    public record Verdict(ScanOutcome outcome, String reason, Outcome decision, int priority, Instant processedAt) {
    }

    public boolean done() {
        return DONE.equals(work.state());
    }

    /** The signals as the scan API and {@code hash --json} show them (null until scanned). */
    public Map<String, Object> signalsJson() {
        if (hashes.pdq() == null && hashes.md5() == null) return null;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("format", hashes.format());
        s.put("width", hashes.width());
        s.put("height", hashes.height());
        s.put("pdq", hashes.pdq());
        s.put("pdq_quality", hashes.pdqQuality());
        s.put("phash", hashes.phash());
        s.put("dhash", hashes.dhash());
        s.put("md5", hashes.md5());
        s.put("sha256", hashes.sha256());
        return s;
    }
}
