package org.sightline.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a Misskey server speaking the moderation endpoints Sightline uses, the way Misskey does:
 * {@code POST /api/<endpoint>} with a JSON body whose {@code i} is the token (403 AUTHENTICATION_FAILED
 * otherwise), required parameters checked (400 INVALID_PARAM), errors as {@code {"error": {"message", "code",
 * "id"}}}. It records every call and can be told to fail the next calls with a status and code.
 */
public final class FakeMisskey implements AutoCloseable {
    public static final String TOKEN = "fake-misskey-token-456";
    /** The token of an account that is not a moderator: admin endpoints refuse it. */
    public static final String USER_TOKEN = "fake-misskey-user-token-789";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call: the endpoint ({@code notes/delete}), its JSON body, and any Authorization header sent. */
    public record Call(String endpoint, JsonNode body, String authorization) {
        public String text(String field) {
            JsonNode v = body.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }
    }

    /** A drive file attached to a note. */
    public record File(String id, String md5) {
    }

    private record Failure(int status, String code) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Failure> failures = new ConcurrentLinkedDeque<>();
    private final Map<String, List<File>> notes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> driveFiles = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, ObjectNode> uploads = new ConcurrentSkipListMap<>();
    private final CallHolds holds = new CallHolds();
    private final ConcurrentLinkedDeque<String> rawAnswers = new ConcurrentLinkedDeque<>();
    /** Tokens made with some permissions only (Settings → API): their permissions and whether their account moderates. */
    private record Limited(java.util.Set<String> permissions, boolean moderator) {
    }

    private final Map<String, Limited> limited = new ConcurrentHashMap<>();
    /** Misskey's permission (the endpoint's {@code kind}) for the endpoints this fake speaks. */
    private static final Map<String, String> KINDS = Map.of("i", "read:account", "notes/delete", "write:notes",
            "drive/files/update", "write:drive", "users/report-abuse", "write:report-abuse",
            "admin/suspend-user", "write:admin:suspend-user", "admin/unsuspend-user", "write:admin:unsuspend-user",
            "admin/drive/files", "read:admin:drive");
    /** MiAuth sessions a user approved: whether that user is a moderator. */
    private final Map<String, Boolean> approvedSessions = new ConcurrentHashMap<>();

    public FakeMisskey() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool()); // a held call must not stall others
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Puts a note with these files on the server (notes/show, notes/delete and drive/files/update find them). */
    public void note(String noteId, File... files) {
        notes.put(noteId, List.of(files));
        for (File f : files) driveFiles.putIfAbsent(f.id(), false);
    }

    /**
     * A file uploaded to the drive, listed by {@code admin/drive/files} (ids sort by time, as Misskey's do;
     * {@code host} null for a local user).
     */
    public void upload(String id, String type, String url, String userId, String username, String host) {
        upload(id, type, url, userId, username, host, Instant.now().minus(Duration.ofHours(1)));
    }

    /** An upload whose id was made at {@code createdAt} (Misskey derives the date from the id; null: no date). */
    public void upload(String id, String type, String url, String userId, String username, String host,
                       Instant createdAt) {
        ObjectNode f = JSON.createObjectNode().put("id", id).put("type", type)
                .put("url", url).put("userId", userId).put("isSensitive", false).put("md5", "0".repeat(32));
        if (createdAt != null) f.put("createdAt", createdAt.toString());
        // Misskey makes a thumbnail of images and videos; here a video's is its URL with ".thumb.jpg"
        if (type.startsWith("video/")) f.put("thumbnailUrl", url + ".thumb.jpg");
        f.putObject("user").put("id", userId).put("username", username).put("host", host);
        uploads.put(id, f);
        driveFiles.putIfAbsent(id, false);
    }

    /** Accepts a token made with only these permissions, of an account that is a moderator or not. */
    public void token(String token, boolean moderator, String... permissions) {
        limited.put(token, new Limited(java.util.Set.of(permissions), moderator));
    }

    /** A user approves the MiAuth session on the instance's page (a moderator or not). */
    public void approve(String session, boolean moderator) {
        approvedSessions.put(session, moderator);
    }

    /** Whether the drive file is marked sensitive. */
    public boolean sensitive(String fileId) {
        return driveFiles.getOrDefault(fileId, false);
    }

    public boolean hasNote(String noteId) {
        return notes.containsKey(noteId);
    }

    /** The next call waits until {@code gate} opens (after saying so on {@code arrived}), then goes on. */
    public void holdNext(CountDownLatch arrived, CountDownLatch gate) {
        holds.holdNext(arrived, gate);
    }

    /** The next authenticated call answers 200 with {@code body} as it is (a proxy's error page, say). */
    public void answerNext(String body) {
        rawAnswers.add(body);
    }

    /** The next call answers {@code status} with Misskey's error {@code code} (once per call to this method). */
    public void failNext(int status, String code) {
        failures.add(new Failure(status, code));
    }

    public List<Call> calls(String endpoint) {
        return calls.stream().filter(c -> c.endpoint().equals(endpoint)).toList();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!ex.getRequestMethod().equals("POST") || !path.startsWith("/api/")) {
                error(ex, 404, "NO_SUCH_ENDPOINT");
                return;
            }
            String endpoint = path.substring("/api/".length());
            JsonNode body;
            try {
                body = JSON.readTree(ex.getRequestBody().readAllBytes());
            } catch (IOException e) {
                error(ex, 400, "INVALID_PARAM");
                return;
            }
            if (body == null || !body.isObject()) {
                error(ex, 400, "INVALID_PARAM");
                return;
            }
            calls.add(new Call(endpoint, body, ex.getRequestHeaders().getFirst("Authorization")));
            if (endpoint.startsWith("miauth/") && endpoint.endsWith("/check")) {
                // MiAuth's check needs no token: the approved session gives it, once
                Boolean moderator = approvedSessions.remove(endpoint.substring("miauth/".length(), endpoint.length() - "/check".length()));
                ObjectNode answer = JSON.createObjectNode().put("ok", moderator != null);
                // like current Misskey, the user is packed without the moderator flags
                if (moderator != null) answer.put("token", moderator ? TOKEN : USER_TOKEN).putObject("user").put("id", "9u");
                send(ex, 200, answer.toString());
                return;
            }
            if (!body.hasNonNull("i")) {
                error(ex, 401, "CREDENTIAL_REQUIRED");
                return;
            }
            String token = body.get("i").asText();
            Limited limits = limited.get(token);
            if (!TOKEN.equals(token) && !USER_TOKEN.equals(token) && limits == null) {
                error(ex, 403, "AUTHENTICATION_FAILED");
                return;
            }
            boolean moderator = limits == null ? !USER_TOKEN.equals(token) : limits.moderator();
            // like Misskey's ApiCallService: the role, then the token's permission, before any parameter is read
            if (!moderator && endpoint.startsWith("admin/")) {
                error(ex, 400, "ROLE_PERMISSION_DENIED");
                return;
            }
            if (limits != null && KINDS.containsKey(endpoint) && !limits.permissions().contains(KINDS.get(endpoint))) {
                error(ex, 403, "PERMISSION_DENIED");
                return;
            }
            if (endpoint.equals("i")) {
                send(ex, 200, JSON.createObjectNode().put("id", "9u").put("username", "sightline")
                        .put("isAdmin", false).put("isModerator", moderator).toString());
                return;
            }
            holds.passOrWait();
            String raw = rawAnswers.poll();
            if (raw != null) {
                send(ex, 200, raw);
                return;
            }
            Failure failure = failures.poll();
            if (failure != null) {
                error(ex, failure.status(), failure.code());
                return;
            }
            switch (endpoint) {
                case "notes/show" -> {
                    if (!required(ex, body, "noteId")) return;
                    List<File> files = notes.get(body.get("noteId").asText());
                    if (files == null) {
                        error(ex, 400, "NO_SUCH_NOTE");
                        return;
                    }
                    ObjectNode note = JSON.createObjectNode().put("id", body.get("noteId").asText());
                    ArrayNode fileIds = note.putArray("fileIds");
                    ArrayNode out = note.putArray("files");
                    for (File f : files) {
                        fileIds.add(f.id());
                        out.addObject().put("id", f.id()).put("md5", f.md5()).put("type", "image/jpeg")
                                .put("isSensitive", false).put("url", url() + "/files/" + f.id());
                    }
                    send(ex, 200, note.toString());
                }
                case "notes/delete" -> {
                    if (!required(ex, body, "noteId")) return;
                    if (notes.remove(body.get("noteId").asText()) == null) {
                        error(ex, 400, "NO_SUCH_NOTE");
                        return;
                    }
                    send(ex, 204, null);
                }
                case "drive/files/update" -> {
                    if (!required(ex, body, "fileId")) return;
                    String fileId = body.get("fileId").asText();
                    if (!driveFiles.containsKey(fileId)) {
                        error(ex, 400, "NO_SUCH_FILE");
                        return;
                    }
                    if (body.has("isSensitive")) driveFiles.put(fileId, body.get("isSensitive").asBoolean());
                    send(ex, 200, JSON.createObjectNode().put("id", body.get("fileId").asText())
                            .put("isSensitive", body.path("isSensitive").asBoolean(false)).toString());
                }
                case "users/report-abuse" -> {
                    if (!required(ex, body, "userId", "comment")) return;
                    int length = body.get("comment").asText().length();
                    if (length < 1 || length > 2048) {
                        error(ex, 400, "INVALID_PARAM");
                        return;
                    }
                    send(ex, 204, null);
                }
                case "admin/drive/files" -> listUploads(ex, body);
                case "admin/suspend-user", "admin/unsuspend-user" -> {
                    if (!required(ex, body, "userId")) return;
                    send(ex, 204, null);
                }
                default -> error(ex, 400, "NO_SUCH_ENDPOINT");
            }
        }
    }

    /** Pages like Misskey: after {@code sinceId} oldest first, without it newest first; {@code type} filters. */
    private void listUploads(HttpExchange ex, JsonNode body) throws IOException {
        int limit = body.path("limit").asInt(10);
        String type = body.path("type").asText("");
        if (limit < 1 || limit > 100 || !type.matches("[a-zA-Z0-9/\\-*]*")
                || !List.of("local", "remote", "combined").contains(body.path("origin").asText("local"))) {
            error(ex, 400, "INVALID_PARAM");
            return;
        }
        String prefix = type.endsWith("/*") ? type.substring(0, type.length() - 1) : type;
        var matching = uploads.values().stream().filter(f -> prefix.isEmpty() || f.get("type").asText().startsWith(prefix));
        String since = body.path("sinceId").asText(null);
        List<ObjectNode> page = since != null
                ? matching.filter(f -> f.get("id").asText().compareTo(since) > 0).limit(limit).toList()
                : matching.sorted((x, y) -> y.get("id").asText().compareTo(x.get("id").asText())).limit(limit).toList();
        ArrayNode out = JSON.createArrayNode();
        page.forEach(out::add);
        send(ex, 200, out.toString());
    }

    private static boolean required(HttpExchange ex, JsonNode body, String... fields) throws IOException {
        for (String f : fields) {
            if (!body.hasNonNull(f)) {
                error(ex, 400, "INVALID_PARAM");
                return false;
            }
        }
        return true;
    }

    private static void error(HttpExchange ex, int status, String code) throws IOException {
        ObjectNode doc = JSON.createObjectNode();
        doc.putObject("error").put("message", code.toLowerCase().replace('_', ' ')).put("code", code)
                .put("id", "00000000-0000-0000-0000-" + String.format("%012d", status));
        send(ex, status, doc.toString());
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        if (json == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
