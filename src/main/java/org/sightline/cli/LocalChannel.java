package org.sightline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.audit.AuditLog;
import org.sightline.audit.Checkpoint;
import org.sightline.auth.LocalKey;
import org.sightline.boot.LocalAdminRoutes;
import org.sightline.config.Config;
import org.sightline.store.DbSettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A data command's way to the server that holds the embedded database: the server's {@code /api/v1/local/}
 * routes, on the address in {@code admin.url}, with the key in {@code admin.key} (both written by
 * {@code serve} into the data directory, owner-only). {@link #find} is empty when no server runs there (or on
 * PostgreSQL); the command then opens the database itself.
 */
final class LocalChannel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalChannel(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    /** The running server of this configuration's data directory, if one answers. */
    static Optional<LocalChannel> find(Config config) {
        Optional<String> url = DbSettings.from(config).url().filter(s -> !s.isBlank());
        if (url.isPresent() && !url.get().startsWith("jdbc:h2:")) return Optional.empty();
        Path dir = config.dataDir();
        Optional<String> where, key;
        try {
            where = LocalKey.read(dir, LocalKey.URL_FILE);
            key = LocalKey.read(dir, LocalKey.KEY_FILE);
        } catch (IOException e) {
            throw new UserError("a server seems to run on " + dir + " but its " + LocalKey.KEY_FILE
                    + " cannot be read (" + e.getClass().getSimpleName() + "): run the command as the server's user");
        }
        if (where.isEmpty()) return Optional.empty();
        if (key.isEmpty()) {
            throw new UserError("a server runs on " + dir + " but " + LocalKey.KEY_FILE + " is missing");
        }
        URI base;
        try {
            base = URI.create(where.get());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // a file left by a server that did not stop cleanly: nobody listens, the database file is free
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(base.getHost().replace("[", "").replace("]", ""), base.getPort()), 2000);
        } catch (IOException | IllegalArgumentException nobody) {
            return Optional.empty();
        }
        return Optional.of(new LocalChannel(base, key.get()));
    }

    /** The audit actor of a command run by this operating-system user. */
    static String actor() {
        String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._@-]", "");
        if (user.length() > 64) user = user.substring(0, 64);
        return "cli:" + (user.isEmpty() ? "unknown" : user);
    }

    String createToken(String name, String scopes, String expires, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("scopes", scopes);
        if (expires != null) body.put("expires", expires);
        if (instance != null) body.put("instance", instance);
        return post("/tokens", body).path("token").asText();
    }

    /** The tokens, as {@code GET /api/v1/tokens} shows them. */
    JsonNode listTokens() {
        return send("GET", "/tokens", null).path("tokens");
    }

    /** Revokes a token by name or id; answers the revoked token. */
    JsonNode revokeToken(String nameOrId) {
        return send("DELETE", "/tokens/" + URLEncoder.encode(nameOrId, StandardCharsets.UTF_8).replace("+", "%20"), null)
                .path("revoked");
    }

    JsonNode addUser(String name, String role, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("role", role);
        if (password != null) body.put("password", password);
        return post("/users", body);
    }

    JsonNode addInstance(Map<String, Object> fields) {
        return post("/instances", fields);
    }

    AuditLog.Verification verifyAudit(Checkpoint cp) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (cp != null) body.put("checkpoint", cp.toJson());
        JsonNode r = post("/audit/verify", body);
        return new AuditLog.Verification(r.path("events").asLong(),
                r.path("first_bad").isNull() || r.path("first_bad").isMissingNode()
                        ? Optional.empty() : Optional.of(r.path("first_bad").asLong()),
                r.path("problem").asText(""), r.path("keyed_from").asLong());
    }

    void recordKeygen(String keyId, boolean rotate) {
        post("/audit/keygen", Map.of("key_id", keyId, "rotate", rotate));
    }

    Checkpoint auditCheckpoint() {
        return Checkpoint.fromJson(post("/audit/checkpoint", Map.of()));
    }

    /** Removes an instance through the running server. */
    JsonNode removeInstance(String name) {
        return send("DELETE", "/instances/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"), null);
    }

    private JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    private JsonNode send(String method, String path, Object body) {
        HttpResponse<String> r;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(LocalAdminRoutes.BASE + path))
                    .timeout(Duration.ofMinutes(2))
                    .header("Authorization", LocalKey.SCHEME + " " + key)
                    .header(LocalKey.USER_HEADER, actor().substring("cli:".length()));
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            HttpRequest req = b.build();
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UserError("the running server at " + base + " did not answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(r.body());
        } catch (IOException e) {
            doc = JSON.createObjectNode();
        }
        if (r.statusCode() / 100 != 2) {
            String message = doc.path("message").asText("HTTP " + r.statusCode());
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                throw new UserError("the running server refused the command: " + message);
            }
            throw new UserError(message);
        }
        return doc;
    }
}
