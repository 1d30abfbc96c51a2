package org.sightline.ingest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A media row without its binary columns (previews and pending bytes are read on their own). */
public record MediaRecord(long id, Long instanceId, String origin, String sourceKey, String statusId, String statusUrl,
                          String accountId, String acct, String attachmentId, String fetchUrl, String reportId,
                          String reportComment, int reportCount, String metadata, String state, int attempts,
                          Instant nextAttemptAt, Instant leaseUntil, String leasedBy, String outcome, String reason,
                          String format, Integer width, Integer height, Long byteSize, String pdq, Integer pdqQuality,
                          String pdqDihedral, String phash, String dhash, String md5, String sha256, String decision,
                          int priority, Instant createdAt, Instant processedAt) {

    /** Every column but the binary ones, for SELECTs. */
    public static final String COLUMNS = "id, instance_id, origin, source_key, status_id, status_url, account_id, acct,"
            + " attachment_id, fetch_url, report_id, report_comment, report_count, metadata, state, attempts,"
            + " next_attempt_at, lease_until, leased_by, outcome, reason, format, width, height, byte_size, pdq,"
            + " pdq_quality, pdq_dihedral, phash, dhash, md5, sha256, decision, priority, created_at, processed_at";

    public static final String QUEUED = "queued";
    public static final String PROCESSING = "processing";
    public static final String DONE = "done";

    public boolean done() {
        return DONE.equals(state);
    }

    /** The signals as the scan API and {@code hash --json} show them (null until scanned). */
    public Map<String, Object> signalsJson() {
        if (pdq == null && md5 == null) return null;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("format", format);
        s.put("width", width);
        s.put("height", height);
        s.put("pdq", pdq);
        s.put("pdq_quality", pdqQuality);
        s.put("phash", phash);
        s.put("dhash", dhash);
        s.put("md5", md5);
        s.put("sha256", sha256);
        return s;
    }
}
