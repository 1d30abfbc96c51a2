package org.sightline.ingest.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jdbi.v3.core.Handle;
import org.sightline.ingest.ClassificationDao;
import org.sightline.ingest.IngestService;
import org.sightline.ingest.PostDao;
import org.sightline.ingest.post.PostContext;
import org.sightline.ingest.MediaDao;
import org.sightline.ingest.MediaRecord;
import org.sightline.ingest.mastodon.MastodonWebhookParser;
import org.sightline.ingest.mastodon.MediaRef;
import org.sightline.instances.Instance;
import org.sightline.store.Columns;

import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Queues the media of statuses read from a timeline or a stream, in the caller's transaction. A media item is
 * known by instance + status + attachment, whichever way it came first (webhook, stream, gap-fill, backfill):
 * it is queued once. Remote posts keep their context for moderators in the media's metadata: the author's
 * {@code acct} with its domain, the post's URL and URI, {@code sensitive}, {@code spoiler_text}, visibility and
 * the origin server.
 */
final class StatusIntake {
    private final ObjectMapper json = new ObjectMapper();

    /** Queues the status's new media; returns how many were queued. */
    int queue(Handle h, Instance instance, JsonNode status, String source, int priority, Instant now) {
        List<MediaRef> refs = MastodonWebhookParser.statusMedia(status);
        if (refs.isEmpty()) return 0;
        MediaDao media = h.attach(MediaDao.class);
        PostDao posts = h.attach(PostDao.class);
        String host = PostContext.hostOf(instance.baseUrl());
        Set<String> known = new HashSet<>();
        int queued = 0;
        for (MediaRef ref : refs) {
            JsonNode post = ref.boostId() == null ? status : status.path("reblog");
            PostContext context = PostContext.mastodon(post, host);
            if (!known.contains(ref.statusId())) {
                known.add(ref.statusId());
                // a stream's status.update: its copy replaces the text kept for the media already seen
                posts.replace(instance.id(), ref.statusId(), context, now);
                for (MediaRecord m : media.findByStatus(instance.id(), ref.statusId())) {
                    known.add(ref.statusId() + "/" + m.source().attachmentId());
                }
            }
            // a status.update re-sends every attachment: only new ones are scanned
            if (known.contains(ref.statusId() + "/" + ref.attachmentId())) continue;
            String sourceKey = IngestService.sourceKey(ref);
            if (media.findBySource(instance.id(), sourceKey).isPresent()) continue;
            String fetchUrl = ref.fetchUrl().toString();
            long mediaId = media.insert(new MediaDao.NewMedia(instance.id(), instance.kind().wireName(), sourceKey, new MediaDao.Post(
                    ref.statusId(), fit(ref.statusUrl(), Columns.MEDIA_STATUS_URL), fit(ref.accountId(), Columns.SOURCE_ID),
                    fit(ref.acct(), Columns.MEDIA_ACCT), ref.attachmentId(),
                    Columns.fits(fetchUrl, Columns.MEDIA_FETCH_URL) ? fetchUrl : null),
                    MediaDao.Report.NONE, context(instance, post, source), null, priority, now));
            // marked by its author (sensitive flag or content warning), as a webhook's media are
            h.attach(ClassificationDao.class).setSensitive(mediaId, ref.sensitive());
            posts.put(mediaId, instance.id(), ref.statusId(), context, now);
            if (ref.fullVideo()) media.fetchAsVideo(mediaId);
            known.add(ref.statusId() + "/" + ref.attachmentId());
            queued++;
        }
        return queued;
    }

    /** What a moderator needs to know of the post (no content, no account details beyond its public handle). */
    private String context(Instance instance, JsonNode status, String source) {
        ObjectNode post = json.createObjectNode();
        post.put("source", source);
        String acct = text(status.path("account"), "acct");
        post.put("acct", acct);
        post.put("url", text(status, "url"));
        post.put("uri", text(status, "uri"));
        post.put("visibility", text(status, "visibility"));
        post.put("sensitive", status.path("sensitive").asBoolean(false));
        String spoiler = text(status, "spoiler_text");
        post.put("spoiler_text", spoiler == null ? "" : spoiler.length() > 500 ? spoiler.substring(0, 500) : spoiler);
        String origin = acct != null && acct.contains("@") ? acct.substring(acct.indexOf('@') + 1) : null;
        post.put("origin", origin != null ? origin : host(instance.baseUrl()));
        post.put("remote", origin != null);
        ObjectNode root = json.createObjectNode();
        root.set("post", post);
        String out = root.toString();
        return out.length() <= 8000 ? out : null;
    }

    /** {@code metadata} with the post marked deleted at {@code at} (a webhook's media get a post object too). */
    String deleted(String metadata, Instant at) {
        ObjectNode root;
        try {
            JsonNode parsed = metadata == null ? null : json.readTree(metadata);
            root = parsed instanceof ObjectNode o ? o : json.createObjectNode();
        } catch (java.io.IOException e) {
            root = json.createObjectNode();
        }
        JsonNode post = root.get("post");
        ObjectNode p = post instanceof ObjectNode o ? o : root.putObject("post");
        p.put("deleted_at", at.toString());
        String out = root.toString();
        return out.length() <= 8000 ? out : metadata;
    }

    private static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) return null;
        String s = v.asText();
        return s.length() > 1000 ? null : s;
    }

    private static String fit(String value, int limit) {
        return Columns.fits(value, limit) ? value : null;
    }
}
