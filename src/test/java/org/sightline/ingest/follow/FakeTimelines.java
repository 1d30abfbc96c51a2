package org.sightline.ingest.follow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.sightline.ingest.Webhooks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in Mastodon speaking the documented timeline and streaming APIs: {@code GET /api/v2/instance} (naming
 * itself as the streaming host, as {@code ws://}), {@code GET /api/v1/timelines/public} with {@code local},
 * {@code remote}, {@code only_media}, {@code min_id}, {@code max_id} and {@code limit} (newest first), and the
 * server-sent-event streams {@code /api/v1/streaming/public[/local|/remote]} ({@code event: update} with the
 * Status as {@code data}, {@code delete} with the id, {@code :thump} heartbeats). It checks the bearer token,
 * records every call, and can drop its streams or answer the next calls with an error.
 */
public final class FakeTimelines implements AutoCloseable {
    public static final String TOKEN = "fake-read-statuses-token";
    public static final String DOMAIN = "social.example";
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Call(String path, Map<String, String> query, Instant at) {
    }

    record Failure(int status, Map<String, String> headers) {
    }

    /** One open stream: which timeline, and its body. */
    private record Stream(String timeline, OutputStream out, HttpExchange exchange) {
    }

    private final HttpServer server;
    private final AtomicLong ids = new AtomicLong(110_000_000_000_000_000L);
    private final List<ObjectNode> statuses = new CopyOnWriteArrayList<>();
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    public final List<Call> calls = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Failure> timelineFailures = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<Failure> streamFailures = new ConcurrentLinkedDeque<>();
    public volatile long timelineDelayMillis;

    private final io.javalin.Javalin webSockets;
    private final Map<io.javalin.websocket.WsContext, String> sockets = new java.util.concurrent.ConcurrentHashMap<>();

    public FakeTimelines() {
        this(false);
    }

    /**
     * @param webSocket serve the streaming API as Pleroma, Akkoma and GoToSocial do: a WebSocket at
     *                  {@code /api/v1/streaming?stream=public:remote:media&access_token=…} on its own port
     *                  (named by {@code /api/v2/instance}), messages {@code {"stream", "event", "payload"}}
     */
    public FakeTimelines(boolean webSocket) {
        webSockets = webSocket ? io.javalin.Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.routes.wsBeforeUpgrade("/api/v1/streaming", ctx -> {
                Failure f = streamFailures.poll();
                if (f != null || !TOKEN.equals(ctx.queryParam("access_token"))) {
                    throw new io.javalin.http.UnauthorizedResponse("invalid token");
                }
            });
            c.routes.ws("/api/v1/streaming", ws -> {
                ws.onConnect(ctx -> {
                    calls.add(new Call("/api/v1/streaming", Map.of("stream", String.valueOf(ctx.queryParam("stream"))), Instant.now()));
                    String timeline = switch (String.valueOf(ctx.queryParam("stream"))) {
                        case "public:local:media" -> "local";
                        case "public:remote:media" -> "remote";
                        default -> "all";
                    };
                    sockets.put(ctx, timeline);
                });
                ws.onClose(ctx -> sockets.remove(ctx));
            });
        }).start("127.0.0.1", 0) : null;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool()); // streams hold their thread
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A status of {@code acct} (remote when it has a domain) with one image: the instance's copy at {@code url}. */
    public ObjectNode status(String acct, String attachmentId, String url, Instant createdAt) {
        try {
            ObjectNode s = (ObjectNode) JSON.readTree(Webhooks.resource("/mastodon/status-entity.docs-example.json"));
            String id = String.valueOf(ids.addAndGet(65_536));
            s.put("id", id);
            s.put("created_at", createdAt.toString());
            s.put("sensitive", true);
            s.put("spoiler_text", "cw: test");
            s.put("visibility", "public");
            boolean remote = acct.contains("@");
            String host = remote ? acct.substring(acct.indexOf('@') + 1) : DOMAIN;
            s.put("uri", "https://" + host + "/users/x/statuses/" + id);
            s.put("url", "https://" + host + "/@x/" + id);
            ObjectNode account = (ObjectNode) s.get("account");
            account.put("id", "9" + Math.abs(acct.hashCode()));
            account.put("acct", acct);
            s.putNull("reblog");
            ArrayNode media = s.putArray("media_attachments");
            ObjectNode a = media.addObject();
            a.put("id", attachmentId);
            a.put("type", "image");
            a.put("url", url);
            a.put("preview_url", url);
            a.put("remote_url", remote ? "https://" + host + "/media/original.jpg" : null);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes {@code status}: on the timeline, and on every open stream that shows it. */
    public void publish(ObjectNode status) {
        statuses.add(status);
        send(status, "update", status.toString());
    }

    /** Publishes on the timeline only, as if the stream missed it. */
    public void publishQuietly(ObjectNode status) {
        statuses.add(status);
    }

    /** An edit: the status changes on the timeline and a {@code status.update} goes out. */
    public void edit(ObjectNode status) {
        statuses.removeIf(s -> s.get("id").asText().equals(status.get("id").asText()));
        statuses.add(status);
        send(status, "status.update", status.toString());
    }

    public void delete(ObjectNode status) {
        statuses.removeIf(s -> s.get("id").asText().equals(status.get("id").asText()));
        send(status, "delete", status.get("id").asText());
    }

    public void heartbeat() {
        for (Stream s : streams) write(s, ":thump\n");
    }

    private void send(ObjectNode status, String event, String data) {
        for (Stream s : streams) {
            if (shows(s.timeline, status)) write(s, "event: " + event + "\ndata: " + data + "\n\n");
        }
        sockets.forEach((ctx, timeline) -> {
            if (!shows(timeline, status)) return;
            ObjectNode m = JSON.createObjectNode();
            m.putArray("stream").add(timeline.equals("all") ? "public:media" : "public:" + timeline + ":media");
            m.put("event", event);
            m.put("payload", data);
            ctx.send(m.toString());
        });
    }

    private void write(Stream s, String text) {
        try {
            synchronized (s) {
                s.out.write(text.getBytes(StandardCharsets.UTF_8));
                s.out.flush();
            }
        } catch (IOException e) {
            streams.remove(s);
        }
    }

    /** Closes every open stream (the instance restarted). */
    public void dropStreams() {
        for (Stream s : streams) {
            streams.remove(s);
            s.exchange.close();
        }
        for (var ctx : sockets.keySet()) {
            sockets.remove(ctx);
            ctx.closeSession();
        }
    }

    public int openStreams() {
        return streams.size() + sockets.size();
    }

    public void failTimeline(int status, Map<String, String> headers) {
        timelineFailures.add(new Failure(status, headers));
    }

    public void failStream(int status) {
        streamFailures.add(new Failure(status, Map.of()));
    }

    public List<Call> calls(String path) {
        return calls.stream().filter(c -> c.path.equals(path)).toList();
    }

    private static boolean shows(String timeline, ObjectNode status) {
        boolean remote = status.path("account").path("acct").asText().contains("@");
        return switch (timeline) {
            case "local" -> !remote;
            case "remote" -> remote;
            default -> true;
        };
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        calls.add(new Call(path, query, Instant.now()));
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            answer(ex, 401, "{\"error\":\"The access token is invalid\"}", Map.of());
            return;
        }
        switch (path) {
            case "/api/v2/instance" -> answer(ex, 200, "{\"domain\":\"" + DOMAIN + "\",\"configuration\":{\"urls\":"
                    + "{\"streaming\":\"ws://127.0.0.1:" + (webSockets != null ? webSockets.port()
                    : server.getAddress().getPort()) + "\"}}}", Map.of());
            case "/api/v1/timelines/public" -> timeline(ex, query);
            case "/api/v1/streaming/public" -> stream(ex, "all", query);
            case "/api/v1/streaming/public/local" -> stream(ex, "local", query);
            case "/api/v1/streaming/public/remote" -> stream(ex, "remote", query);
            default -> answer(ex, 404, "{\"error\":\"Record not found\"}", Map.of());
        }
    }

    private void timeline(HttpExchange ex, Map<String, String> q) throws IOException {
        Failure f = timelineFailures.poll();
        if (f != null) {
            answer(ex, f.status, "{\"error\":\"Too many requests\"}", f.headers);
            return;
        }
        if (timelineDelayMillis > 0) {
            try {
                Thread.sleep(timelineDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String timeline = "true".equals(q.get("local")) ? "local" : "true".equals(q.get("remote")) ? "remote" : "all";
        int limit = Math.min(40, Integer.parseInt(q.getOrDefault("limit", "20")));
        Comparator<ObjectNode> byId = Comparator.comparing(s -> Long.parseLong(s.get("id").asText()));
        List<ObjectNode> shown = new ArrayList<>(statuses.stream().filter(s -> shows(timeline, s))
                .filter(s -> !"true".equals(q.get("only_media")) || !s.path("media_attachments").isEmpty()).toList());
        List<ObjectNode> page;
        if (q.containsKey("min_id")) {
            // the statuses immediately newer than min_id, answered newest first
            long min = Long.parseLong(q.get("min_id"));
            List<ObjectNode> newer = shown.stream().filter(s -> s.get("id").asLong() > min).sorted(byId).limit(limit).toList();
            page = new ArrayList<>(newer);
            page.sort(byId.reversed());
        } else {
            long max = q.containsKey("max_id") ? Long.parseLong(q.get("max_id")) : Long.MAX_VALUE;
            page = shown.stream().filter(s -> s.get("id").asLong() < max).sorted(byId.reversed()).limit(limit).toList();
        }
        ArrayNode out = JSON.createArrayNode();
        page.forEach(out::add);
        answer(ex, 200, out.toString(), Map.of("X-RateLimit-Limit", "300", "X-RateLimit-Remaining", "299"));
    }

    private void stream(HttpExchange ex, String timeline, Map<String, String> q) throws IOException {
        Failure f = streamFailures.poll();
        if (f != null) {
            answer(ex, f.status, "{\"error\":\"refused\"}", Map.of());
            return;
        }
        if (!"true".equals(q.get("only_media"))) {
            answer(ex, 400, "{\"error\":\"expected only_media\"}", Map.of());
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        Stream s = new Stream(timeline, out, ex);
        write(s, ":)\n");
        streams.add(s);
    }

    private static void answer(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    @Override
    public void close() {
        dropStreams();
        server.stop(0);
        if (webSockets != null) webSockets.stop();
    }
}
