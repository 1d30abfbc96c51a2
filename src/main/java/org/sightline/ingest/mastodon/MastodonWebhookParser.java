package org.sightline.ingest.mastodon;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.sightline.ingest.post.PostContext;

/**
 * Turns a Mastodon webhook body (already verified with {@link WebhookSignature}) into a {@link WebhookParse}.
 * Reads only the fields it keeps, so the emails and IPs of {@code report.*} and {@code account.*} bodies are
 * never copied; for event types it does not handle it does not look at {@code object} at all.
 * Never throws for any input. Thread-safe.
 */
public final class MastodonWebhookParser {
    private final ObjectMapper json;

    public MastodonWebhookParser() {
        this(new ObjectMapper());
    }

    public MastodonWebhookParser(ObjectMapper json) {
        this.json = json;
    }

    /** A malformed part of the body; its message is the one-line reason. */
    private static final class Malformed extends Exception {
        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    public WebhookParse parse(byte[] rawBody) {
        if (rawBody == null || rawBody.length == 0) return new MalformedEvent("empty body");
        JsonNode root;
        try {
            root = json.readTree(rawBody);
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the body: report only where it broke
            JsonLocation at = e.getLocation();
            return new MalformedEvent(at == null ? "malformed JSON"
                    : "malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
        } catch (IOException e) {
            return new MalformedEvent("unreadable body");
        }
        if (root == null || !root.isObject()) return new MalformedEvent("the body is not a JSON object");
        JsonNode event = root.get("event");
        if (event == null || !event.isTextual()) return new MalformedEvent("missing field 'event'");
        EventType type = EventType.fromWireName(event.asText());
        if (type == null) return new IgnoredEvent(event.asText());
        JsonNode object = root.get("object");
        if (object == null || !object.isObject()) return new MalformedEvent("missing field 'object'");
        String occurredAt = text(root, "created_at");
        try {
            return type == EventType.REPORT_CREATED
                    ? report(object, occurredAt)
                    : status(type, object, occurredAt);
        } catch (Malformed e) {
            return new MalformedEvent(e.getMessage());
        }
    }

    private static MastodonEvent status(EventType type, JsonNode status, String occurredAt) throws Malformed {
        String id = id(status, "object.id");
        List<MediaRef> media = new ArrayList<>();
        List<SkippedMedia> skipped = new ArrayList<>();
        collectMedia(status, null, "object", media, skipped);
        return new MastodonEvent(type, id, dedupeKey(type, id, status, occurredAt), occurredAt, media, skipped, null,
                posts(List.of(status)));
    }

    /**
     * The media of one REST {@code Status} entity (as the timelines and streaming APIs give it): its own
     * attachments, then a boosted status's. Attachments with nothing to scan are left out; a malformed status
     * gives an empty list.
     */
    public static List<MediaRef> statusMedia(JsonNode status) {
        List<MediaRef> media = new ArrayList<>();
        try {
            collectMedia(status, null, "status", media, new ArrayList<>());
        } catch (Malformed e) {
            return List.of();
        }
        return media;
    }

    private static MastodonEvent report(JsonNode report, String occurredAt) throws Malformed {
        String id = id(report, "object.id");
        List<MediaRef> media = new ArrayList<>();
        List<SkippedMedia> skipped = new ArrayList<>();
        List<String> statusIds = new ArrayList<>();
        List<JsonNode> reported = new ArrayList<>();
        JsonNode statuses = report.get("statuses");
        if (statuses != null && !statuses.isNull()) {
            if (!statuses.isArray()) throw new Malformed("'object.statuses' is not a list");
            for (int i = 0; i < statuses.size(); i++) {
                JsonNode status = statuses.get(i);
                String where = "object.statuses[" + i + "]";
                if (!status.isObject()) throw new Malformed("'" + where + "' is not an object");
                statusIds.add(id(status, where + ".id"));
                collectMedia(status, null, where, media, skipped);
                reported.add(status);
            }
        }
        // Admin::Account bodies: keep the ids and the public acct, never email, ip or ips
        JsonNode reporter = report.path("account");
        JsonNode target = report.path("target_account");
        ReportContext context = new ReportContext(
                id,
                text(report, "category"),
                text(report, "comment") == null ? "" : text(report, "comment"),
                report.path("forwarded").asBoolean(false),
                idList(report.path("rules")),
                statusIds,
                text(reporter, "id"),
                text(target, "id"),
                text(target.path("account"), "acct"));
        return new MastodonEvent(EventType.REPORT_CREATED, id,
                dedupeKey(EventType.REPORT_CREATED, id, report, occurredAt), occurredAt, media, skipped, context,
                posts(reported));
    }

    /**
     * The context of each status and of the status it boosts, by id (the boost itself has no text of its own).
     * The author's domain is left to the caller for local accounts: only it knows the instance.
     */
    private static Map<String, PostContext> posts(List<JsonNode> statuses) {
        Map<String, PostContext> posts = new LinkedHashMap<>();
        for (JsonNode status : statuses) {
            String id = text(status, "id");
            if (id != null) posts.put(id, PostContext.mastodon(status, null));
            JsonNode reblog = status.get("reblog");
            if (reblog != null && reblog.isObject() && text(reblog, "id") != null) {
                posts.put(text(reblog, "id"), PostContext.mastodon(reblog, null));
            }
        }
        return posts;
    }

    /** The status's own media, then, for a boost, the boosted status's media. */
    private static void collectMedia(JsonNode status, String boostId, String where, List<MediaRef> media,
                                     List<SkippedMedia> skipped) throws Malformed {
        String statusId = id(status, where + ".id");
        JsonNode account = status.path("account");
        String accountId = text(account, "id");
        String acct = text(account, "acct");
        // marked by its author: the sensitive flag, or a content warning (spoiler_text)
        boolean sensitive = status.path("sensitive").asBoolean(false)
                || !status.path("spoiler_text").asText("").isBlank();
        String statusUrl = text(status, "url");
        JsonNode attachments = status.get("media_attachments");
        if (attachments != null && !attachments.isNull()) {
            if (!attachments.isArray()) throw new Malformed("'" + where + ".media_attachments' is not a list");
            for (int i = 0; i < attachments.size(); i++) {
                JsonNode attachment = attachments.get(i);
                String at = where + ".media_attachments[" + i + "]";
                if (!attachment.isObject()) throw new Malformed("'" + at + "' is not an object");
                String attachmentId = id(attachment, at + ".id");
                String type = text(attachment, "type") == null
                        ? "unknown" : text(attachment, "type").toLowerCase(Locale.ROOT);
                String chosen;
                String missing;
                boolean fullVideo = false;
                if (type.equals("image")) {
                    // url is the instance's copy; remote_url is the origin's, when the copy is not there yet
                    chosen = firstNonBlank(text(attachment, "url"), text(attachment, "remote_url"));
                    missing = "image without a url";
                } else if (type.equals("video") || type.equals("gifv")) {
                    // the whole file, hashed frame by frame (vPDQ); its still preview only when no file is named
                    chosen = firstNonBlank(text(attachment, "url"), text(attachment, "remote_url"));
                    fullVideo = chosen != null;
                    if (chosen == null) chosen = text(attachment, "preview_url");
                    missing = type + " without a url or preview_url";
                } else {
                    // audio artwork, unknown: the still preview is what can be hashed
                    chosen = text(attachment, "preview_url");
                    missing = type + " without a preview_url";
                }
                if (chosen == null) {
                    skipped.add(new SkippedMedia(attachmentId, type, statusId, missing));
                    continue;
                }
                URI uri = uri(chosen);
                if (uri == null) {
                    skipped.add(new SkippedMedia(attachmentId, type, statusId, "unusable media URL"));
                    continue;
                }
                media.add(new MediaRef(attachmentId, type, uri, statusId, statusUrl, accountId, acct, sensitive,
                        boostId, fullVideo));
            }
        }
        JsonNode reblog = status.get("reblog");
        // Mastodon never boosts a boost; one level is all that is followed
        if (reblog != null && !reblog.isNull() && boostId == null) {
            if (!reblog.isObject()) throw new Malformed("'" + where + ".reblog' is not an object");
            collectMedia(reblog, statusId, where + ".reblog", media, skipped);
        }
    }

    private static String dedupeKey(EventType type, String id, JsonNode object, String occurredAt) {
        String stamp = firstNonBlank(text(object, "edited_at"), text(object, "updated_at"),
                text(object, "created_at"), occurredAt);
        return type.wireName() + "|" + id + "|" + (stamp == null ? "" : stamp);
    }

    /** The node's {@code id}: Mastodon sends ids as strings; a bare number is accepted too. */
    private static String id(JsonNode node, String where) throws Malformed {
        JsonNode value = node.get("id");
        if (value != null && (value.isTextual() || value.isIntegralNumber())) {
            String id = value.asText().trim();
            if (!id.isEmpty() && id.length() <= 64) return id;
        }
        throw new Malformed("missing field '" + where + "'");
    }

    private static List<String> idList(JsonNode items) {
        List<String> ids = new ArrayList<>();
        if (items.isArray()) {
            for (JsonNode item : items) {
                String id = text(item, "id");
                if (id != null) ids.add(id);
            }
        }
        return ids;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) return null;
        return value.asText();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) return v;
        }
        return null;
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text.trim());
            return uri.isAbsolute() && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
