package org.sightline.ingest.mastodon;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.sightline.ingest.post.PostContext;

/**
 * A webhook event to act on. Holds only what scanning and review need: ids, URLs, the report's context;
 * never the emails and IP addresses of {@code report.*} bodies.
 *
 * @param type       the event
 * @param objectId   the status id ({@code status.*}) or the report id ({@code report.created})
 * @param dedupeKey  {@code event|object id|edit time}: the same delivery retried gives the same key, an edit
 *                   gives a new one ({@code edited_at}, else {@code updated_at}, else {@code created_at})
 * @param occurredAt the envelope's {@code created_at}, as sent (may be null)
 * @param media      attachments to scan; for {@code status.updated} all current ones, so the caller scans those
 *                   whose id or URL it has not seen
 * @param skipped    attachments with nothing to scan
 * @param report     the report, for {@code report.created}; null otherwise
 * @param posts      the context of each status in the event (a boost's boosted status and a report's statuses
 *                   too), by status id: what the case page shows of the post
 */
public record MastodonEvent(EventType type, String objectId, String dedupeKey, String occurredAt,
                            List<MediaRef> media, List<SkippedMedia> skipped, ReportContext report,
                            Map<String, PostContext> posts)
        implements WebhookParse {
    public MastodonEvent {
        media = List.copyOf(media);
        skipped = List.copyOf(skipped);
        posts = Map.copyOf(posts);
    }

    /** An event without post context. */
    public MastodonEvent(EventType type, String objectId, String dedupeKey, String occurredAt,
                         List<MediaRef> media, List<SkippedMedia> skipped, ReportContext report) {
        this(type, objectId, dedupeKey, occurredAt, media, skipped, report, Map.of());
    }

    /**
     * The media not seen before: an attachment id missing from {@code seen} (attachment id → the URL stored
     * for it), or present with another URL. What a {@code status.updated} needs scanned; an edit that only
     * changes text or alt text gives nothing.
     */
    public List<MediaRef> newOrChanged(Map<String, URI> seen) {
        return media.stream().filter(m -> !m.fetchUrl().equals(seen.get(m.attachmentId()))).toList();
    }

    /** Reports raise a case's priority: someone already asked a moderator to look. */
    public boolean fromReport() {
        return report != null;
    }
}
