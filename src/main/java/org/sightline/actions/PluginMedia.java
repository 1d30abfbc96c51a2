package org.sightline.actions;

import java.util.List;

/**
 * A media item and its evidence, as plugins see it. Entry notes (which may be private to a hash list) are
 * not included: what a plugin sends out is safe to send.
 */
public record PluginMedia(long id, String attachmentId, String statusId, String statusUrl, String accountId, String acct, String reportId,
                          String fetchUrl, String pdq, String md5, String sha256, String decision,
                          List<Evidence> evidence) {

    /** One match: bank, labels, signal and distance. */
    public record Evidence(String bank, List<String> labels, String signalType, int distance, String variant) {
    }

    /** Every label of every match, without repeats. */
    public List<String> labels() {
        return evidence.stream().flatMap(e -> e.labels().stream()).distinct().toList();
    }
}
