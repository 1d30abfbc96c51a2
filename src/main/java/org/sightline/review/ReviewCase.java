package org.sightline.review;

import org.jdbi.v3.core.mapper.Nested;

import java.time.Instant;

/** A case with what the queue and the case page show of its media (no image bytes). */
public record ReviewCase(long id, long mediaId, CaseState state, int priority, String reason, String autoOutcome,
                         Instant createdAt, Long claimedBy, String claimedByName, Instant claimedUntil,
                         String decision, String decisionReason, String decidedBy, Instant decidedAt,
                         @Nested Evidence evidence) {

    /**
     * What the case is about, as ingest's media view and the matches show it: the post, the report, the scan, and
     * the labels and banks of its live matches (comma-joined), and its risk score (null until decided).
     */
    public record Evidence(String instanceName, String statusId, String statusUrl, String acct, String reportComment,
                           int reportCount, String outcome, String mediaReason, String pdq, String labels,
                           String banks, boolean hasPreview, String metadata, Integer riskScore) {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        /**
         * The post's context as the source recorded it (a followed timeline's: origin server, visibility,
         * sensitive, content warning, deleted), or null when the source recorded none.
         */
        public java.util.Map<String, Object> post() {
            if (metadata == null) return null;
            try {
                com.fasterxml.jackson.databind.JsonNode post = JSON.readTree(metadata).get("post");
                if (post == null || !post.isObject()) return null;
                java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
                for (String field : java.util.List.of("source", "origin", "visibility", "spoiler_text", "deleted_at")) {
                    com.fasterxml.jackson.databind.JsonNode v = post.get(field);
                    if (v != null && v.isValueNode() && !v.isNull() && !v.asText().isEmpty()) out.put(field, v.asText());
                }
                out.put("remote", post.path("remote").asBoolean(false));
                out.put("sensitive", post.path("sensitive").asBoolean(false));
                return out;
            } catch (java.io.IOException e) {
                return null; // free metadata from the scan API need not be JSON of this shape
            }
        }

        /** The post's URL as a link only when it is http(s): it comes from a remote server ({@code javascript:} …). */
        public String statusLink() {
            if (statusUrl == null) return null;
            String u = statusUrl.trim().toLowerCase(java.util.Locale.ROOT);
            return u.startsWith("https://") || u.startsWith("http://") ? statusUrl.trim() : null;
        }

        public java.util.List<String> labelList() {
            return org.sightline.banks.Labels.split(labels);
        }

        Evidence withMatches(String labels, String banks) {
            return new Evidence(instanceName, statusId, statusUrl, acct, reportComment, reportCount, outcome,
                    mediaReason, pdq, labels, banks, hasPreview, metadata, riskScore);
        }
    }

    /** Claimed by someone else until a time still to come. */
    public boolean claimedByOther(long userId, Instant now) {
        return claimedBy != null && claimedBy != userId && claimedUntil != null && claimedUntil.isAfter(now);
    }
}
