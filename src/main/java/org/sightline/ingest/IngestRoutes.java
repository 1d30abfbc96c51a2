package org.sightline.ingest;

import org.sightline.common.WireName;
import org.sightline.ingest.post.PostContext;
import org.sightline.ingest.post.Visibility;

import org.sightline.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import org.sightline.access.Principal;
import org.sightline.access.Scope;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceKind;
import org.sightline.instances.InstanceService;
import org.sightline.common.Refusal;
import org.sightline.store.Columns;
import org.sightline.web.JsonBody;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ways media comes in: the Mastodon webhook, the pict-rs gate, and the scan API
 * ({@code POST /api/v1/media}, {@code GET /api/v1/media/{id}}, {@code GET /api/v1/media?instance=&status=}).
 */
public final class IngestRoutes {
    /** Webhook bodies are small JSON documents; anything bigger is not Mastodon. */
    static final int MAX_WEBHOOK_BYTES = 1024 * 1024;
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final IngestService ingest;
    private final ScanService scans;
    private final InstanceService instances;
    private final IngestMetrics metrics;
    private final ObjectMapper json;
    private final long maxMediaBytes;

    private IngestRoutes(IngestService ingest, ScanService scans, InstanceService instances, IngestMetrics metrics,
                         ObjectMapper json, long maxMediaBytes) {
        this.ingest = ingest;
        this.scans = scans;
        this.instances = instances;
        this.metrics = metrics;
        this.json = json;
        this.maxMediaBytes = maxMediaBytes;
    }

    public static void register(RoutesConfig routes, IngestService ingest, ScanService scans,
                                InstanceService instances, IngestMetrics metrics, ObjectMapper json, long maxMediaBytes) {
        IngestRoutes r = new IngestRoutes(ingest, scans, instances, metrics, json, maxMediaBytes);
        routes.post("/hooks/mastodon/{instance}", r::mastodon, Access.selfAuthenticated());
        routes.post("/hooks/pictrs/{instance}", r::pictrs, Access.selfAuthenticated());
        routes.post("/api/v1/media", r::submit, Access.token(Scope.SCAN));
        routes.get("/api/v1/media", r::byStatus, Access.token(Scope.SCAN));
        routes.get("/api/v1/media/{id}", r::get, Access.token(Scope.SCAN));
    }

    private void mastodon(Context ctx) {
        long start = System.nanoTime();
        byte[] body = readLimited(ctx, MAX_WEBHOOK_BYTES);
        IngestService.WebhookAnswer answer = ingest.mastodon(ctx.pathParam("instance"), body,
                ctx.header("X-Hub-Signature"));
        ctx.status(answer.status()).json(Map.of("result", answer.result(), "queued", answer.queued()));
        metrics.webhookAck().record(Duration.ofNanos(System.nanoTime() - start));
    }

    private void pictrs(Context ctx) {
        // an unknown instance is answered like a wrong secret, so the answer does not tell which names exist
        Instance instance = instances.find(ctx.pathParam("instance")).filter(i -> i.kind() == InstanceKind.PICTRS)
                .orElse(null);
        String expected = instance == null ? null : instances.webhookSecret(instance).orElse(null);
        String given = bearer(ctx);
        if (expected == null || given == null
                || !MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "missing or wrong gate secret (Authorization: Bearer <secret> or ?token=)");
        }
        byte[] bytes = readLimited(ctx, maxMediaBytes);
        ScanService.GateVerdict verdict = scans.gate(instance, bytes);
        ctx.status(verdict.accept() ? 200 : 406).json(Map.of("decision", verdict.decision(), "reason", verdict.reason(),
                "media_id", verdict.mediaId()));
    }

    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7).trim();
        return ctx.queryParam("token");
    }

    private void submit(Context ctx) throws InterruptedException {
        ScanService.Request request;
        String contentType = ctx.contentType() == null ? "" : ctx.contentType();
        if (contentType.startsWith("multipart/form-data")) {
            request = fromMultipart(ctx);
        } else {
            request = fromJson(ctx);
        }
        boolean wait = !"false".equalsIgnoreCase(ctx.queryParam("wait"));
        long id = scans.submit(request, wait, MAX_WAIT);
        MediaRecord media = scans.media().find(id).orElseThrow();
        ctx.status(media.done() ? 200 : 202).json(document(media));
    }

    /**
     * The multipart form, parsed by Jetty on first access: a body it cannot parse (no or wrong boundary, cut
     * short, over-long part headers, too many fields) is the client's error, answered 400.
     */
    private ScanService.Request fromMultipart(Context ctx) {
        UploadedFile file;
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            file = ctx.uploadedFile("file");
            for (String name : List.of("instance", "account", "status", "attachment", "metadata")) {
                fields.put(name, ctx.formParam(name));
            }
        } catch (Refusal e) {
            throw e;
        } catch (Exception e) {
            // the parser gave up part-way through the body: what is left of it cannot be read as the next request,
            // so the connection closes after the answer, and the client knows not to reuse it
            ctx.header("Connection", "close");
            throw Refusal.invalid("malformed multipart/form-data body: it needs the boundary given in Content-Type,"
                    + " a closing boundary, at most 1000 fields and part headers under 8 KB");
        }
        if (file == null) throw Refusal.invalid("multipart request without a 'file' part");
        if (file.size() > maxMediaBytes) throw tooLarge(file.size());
        byte[] bytes;
        try (InputStream in = file.content()) {
            bytes = in.readNBytes((int) maxMediaBytes + 1);
        } catch (IOException e) {
            throw Refusal.invalid("cannot read the uploaded file");
        }
        if (bytes.length > maxMediaBytes) throw tooLarge(bytes.length);
        Principal caller = Access.principal(ctx);
        Long instanceId = submittedFor(caller, fields.get("instance"));
        return new ScanService.Request(instanceId, null, bytes,
                sourceId("account", fields.get("account")), sourceId("status", fields.get("status")),
                sourceId("attachment", fields.get("attachment")), metadata(fields.get("metadata")),
                mayActAutomatically(caller, instanceId));
    }

    private ScanService.Request fromJson(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json,
                "{\"url\": ...} or {\"image_base64\": ...}, or multipart with a 'file' part");
        String url = text(body, "url");
        String base64 = text(body, "image_base64");
        if ((url == null) == (base64 == null)) throw Refusal.invalid("give exactly one of url and image_base64");
        byte[] bytes = null;
        if (url != null) {
            try {
                URI uri = URI.create(url);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw Refusal.invalid("url must be an http(s) URL");
                }
                String tooLong = Columns.overLimit("url", url, Columns.MEDIA_FETCH_URL);
                if (tooLong != null) throw Refusal.invalid(tooLong);
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid("url is not a valid URL");
            }
        } else {
            if ((long) base64.length() * 3 / 4 > maxMediaBytes) throw tooLarge((long) base64.length() * 3 / 4);
            try {
                bytes = Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid("image_base64 is not valid base64");
            }
            if (bytes.length == 0) throw Refusal.invalid("image_base64 is empty");
        }
        JsonNode metadata = body.get("metadata");
        Principal caller = Access.principal(ctx);
        Long instanceId = submittedFor(caller, text(body, "instance"));
        return new ScanService.Request(instanceId, url, bytes,
                sourceId("account", text(body, "account")), sourceId("status", text(body, "status")),
                sourceId("attachment", text(body, "attachment")),
                metadata(metadata == null || metadata.isNull() ? null : metadata.toString()),
                mayActAutomatically(caller, instanceId), post(body.get("post")));
    }

    /**
     * The optional {@code post}: {@code text} (or {@code content}, HTML), {@code spoiler_text}, {@code sensitive},
     * {@code visibility}, {@code url}, {@code acct}; shown on the case page, purged with the media's pictures.
     */
    private static PostContext post(JsonNode post) {
        if (post == null || post.isNull()) return PostContext.NONE;
        if (!post.isObject()) throw Refusal.invalid("post must be an object: {\"text\", \"spoiler_text\", \"sensitive\","
                + " \"visibility\", \"url\", \"acct\"}");
        String visibility = text(post, "visibility");
        if (visibility != null && Visibility.mastodon(visibility) == null) {
            throw Refusal.invalid("post.visibility must be one of " + WireName.allowed(Visibility.class)
                    + ", got '" + visibility + "'");
        }
        return PostContext.api(post);
    }

    /**
     * The instance media is submitted for: a bound token's own when it names none, refused (403) when it names
     * another.
     */
    private Long submittedFor(Principal caller, String named) {
        String name = named == null || named.isBlank() ? caller.instance() : named;
        permit(caller, name);
        return instanceId(name);
    }

    /**
     * Only a token bound to the instance (or an admin token) may make Sightline act on an instance by itself;
     * media from any other {@code scan} token naming an instance can still open a case for a moderator. Media of
     * no instance keep their verdict (there is no instance to act on).
     */
    private static boolean mayActAutomatically(Principal caller, Long instanceId) {
        return instanceId == null || caller.bound() || caller.scopes().contains(Scope.ADMIN);
    }

    private static void permit(Principal caller, String instance) {
        if (!caller.mayUse(instance)) {
            throw Refusal.forbidden("this token is bound to instance '" + caller.instance() + "'"
                    + (instance == null ? ": it reads only that instance's media" : ", not '" + instance + "'"));
        }
    }

    /** Free context kept with the media, bounded like every other field. */
    private static String metadata(String text) {
        if (!Columns.fits(text, Columns.MEDIA_METADATA)) {
            throw Refusal.invalid("metadata is over " + Columns.MEDIA_METADATA + " characters");
        }
        return text;
    }

    /** The instance's own ids (account, status, attachment) are stored in columns of 64 characters. */
    private static String sourceId(String field, String value) {
        if (value == null || value.isBlank()) return null;
        if (!Columns.fits(value, Columns.SOURCE_ID)) {
            throw Refusal.invalid(field + " must be at most " + Columns.SOURCE_ID + " characters");
        }
        return value;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw Refusal.invalid(field + " must be a string");
        return v.asText();
    }

    private Long instanceId(String name) {
        if (name == null || name.isBlank()) return null;
        return instances.find(name).map(Instance::id)
                .orElseThrow(() -> Refusal.notFound("no instance named '" + name + "'"));
    }

    private void get(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no media " + ctx.pathParam("id"));
        }
        MediaRecord media = scans.media().find(id).orElseThrow(() -> Refusal.notFound("no media " + id));
        Principal caller = Access.principal(ctx);
        if (caller.bound()) {
            Long instanceId = media.source().instanceId();
            permit(caller, instanceId == null ? null : instances.find(instanceId).map(Instance::name).orElse(null));
        }
        ctx.json(document(media));
    }

    private void byStatus(Context ctx) {
        String instance = ctx.queryParam("instance");
        String status = ctx.queryParam("status");
        if (instance == null || status == null) throw Refusal.invalid("give instance and status");
        permit(Access.principal(ctx), instance);
        Long instanceId = instanceId(instance);
        List<Map<String, Object>> media = new ArrayList<>();
        for (MediaRecord m : scans.media().byStatus(instanceId, status)) media.add(document(m));
        ctx.json(Map.of("media", media));
    }

    /** The scan API's document for one media item. */
    private Map<String, Object> document(MediaRecord m) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", m.id());
        doc.put("state", m.work().state());
        doc.put("outcome", m.verdict().outcome());
        doc.put("reason", m.verdict().reason());
        Map<String, Object> signals = m.signalsJson();
        var video = scans.media().video(m.id());
        if (signals != null && video.isPresent()) {
            // a video: its frames and HMA's video_md5 instead of the image hashes
            signals = new LinkedHashMap<>(signals);
            signals.keySet().removeAll(List.of("pdq", "pdq_quality", "phash", "dhash"));
            signals.put("kind", "video");
            signals.put("duration_s", video.get().durationS());
            signals.put("vpdq", org.sightline.matching.Vpdq.parse(video.get().vpdq()).stream()
                    .map(org.sightline.hashing.VpdqFrame::text).toList());
            signals.put("video_md5", video.get().videoMd5());
        }
        doc.put("signals", signals);
        List<Map<String, Object>> matches = new ArrayList<>();
        for (MatchRecord r : scans.media().matches(m.id())) {
            Map<String, Object> match = new LinkedHashMap<>();
            match.put("bank", r.bankName());
            match.put("entry_id", r.entryId());
            match.put("signal_type", r.signalType());
            match.put("distance", r.distance());
            match.put("variant", r.variant());
            match.put("labels", r.labels().isEmpty() ? List.of() : List.of(r.labels().split(",")));
            match.put("observed", r.observed());
            match.put("vetoed", r.vetoed());
            if (!r.videoEvidence().isEmpty()) {
                // the match API's shape ("video": {...}), and the sentence the case page shows
                Map<String, Object> evidence = new LinkedHashMap<>();
                if (r.bankedPercent() != null || r.uploadPercent() != null) {
                    evidence.put("banked_percent", r.bankedPercent());
                    evidence.put("upload_percent", r.uploadPercent());
                }
                if (r.uploadAt() != null) evidence.put("upload_at", r.uploadAt());
                if (r.bankedAt() != null) evidence.put("banked_at", r.bankedAt());
                match.put("video", evidence);
                match.put("video_evidence", r.videoEvidence());
            }
            matches.add(match);
        }
        doc.put("matches", matches);
        List<Map<String, Object>> classifications = new ArrayList<>();
        for (MediaCatalog.StoredClassification c : scans.media().classifications(m.id())) classifications.add(c.toJson());
        doc.put("classifications", classifications);
        Boolean sensitive = scans.media().markedSensitive(m.id());
        if (sensitive != null) doc.put("sensitive", sensitive);
        FileMetadata file = scans.media().fileMetadata(m.id());
        doc.put("file_metadata", file.isEmpty() ? null : file.toJson());
        doc.put("decision", m.verdict().decision());
        scans.media().risk(m.id()).ifPresent(r -> doc.put("risk", r.toJson()));
        List<Map<String, Object>> actions = new ArrayList<>();
        for (var a : scans.actions(m.id())) {
            Map<String, Object> action = new LinkedHashMap<>();
            action.put("id", a.id());
            action.put("action", a.action());
            action.put("state", a.state());
            action.put("attempts", a.attempts());
            action.put("result", a.result());
            actions.add(action);
        }
        doc.put("actions", actions);
        if (m.source().statusId() != null) doc.put("status", m.source().statusId());
        if (m.source().accountId() != null) doc.put("account", m.source().accountId());
        if (m.source().attachmentId() != null) doc.put("attachment", m.source().attachmentId());
        if (m.source().metadata() != null) {
            try {
                doc.put("metadata", json.readTree(m.source().metadata()));
            } catch (IOException e) {
                doc.put("metadata", m.source().metadata());
            }
        }
        return doc;
    }

    private static Refusal tooLarge(long size) {
        return new Refusal(Refusal.Kind.TOO_LARGE, "media of " + size + " bytes is over the limit");
    }

    /**
     * Reads the body, refusing (413) anything over {@code limit}. A body a little over the limit is read up to
     * the limit first, so the refusal is not lost to a connection closed under a client still sending; only an
     * absurd declared length is refused unread.
     */
    private static byte[] readLimited(Context ctx, long limit) {
        long declared = ctx.contentLength();
        if (declared > 4 * limit) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "body of " + declared + " bytes is over the limit of " + limit);
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) throw new Refusal(Refusal.Kind.TOO_LARGE, "body is over the limit of " + limit + " bytes");
            return bytes;
        } catch (IOException e) {
            throw Refusal.invalid("cannot read the request body");
        }
    }
}
