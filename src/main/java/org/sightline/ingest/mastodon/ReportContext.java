package org.sightline.ingest.mastodon;

import java.util.List;

/**
 * The report behind a {@code report.created} event, without the email and IP addresses the webhook carries.
 *
 * @param reportId          the report's id on the instance
 * @param category          {@code spam}, {@code legal}, {@code violation}, {@code other}, ...
 * @param comment           what the reporter wrote (may be empty)
 * @param forwarded         whether the report was forwarded to the target's instance
 * @param ruleIds           the instance rules the reporter named
 * @param statusIds         the reported statuses
 * @param reporterAccountId the reporting account's id (no address, email or IP)
 * @param targetAccountId   the reported account's id
 * @param targetAcct        the reported account's {@code acct}, may be null
 */
public record ReportContext(String reportId, String category, String comment, boolean forwarded,
                           List<String> ruleIds, List<String> statusIds, String reporterAccountId,
                           String targetAccountId, String targetAcct) {
    public ReportContext {
        ruleIds = List.copyOf(ruleIds);
        statusIds = List.copyOf(statusIds);
    }

    @Override
    public String toString() {
        // loggable: the reporter's words are content, not logged
        return "ReportContext[" + reportId + ", " + category + ", comment of " + (comment == null ? 0 : comment.length())
                + " chars, statuses " + statusIds + ", target " + targetAccountId + "]";
    }
}
