package org.sightline;

import org.sightline.boot.App;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;

/** A real server on an ephemeral port over a data directory, built exactly as {@code serve} builds it. */
public final class TestServer implements AutoCloseable {
    public final App.Deps deps;
    public final Javalin app;
    public final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    public TestServer(Path dataDir) {
        this(Config.defaults().with("data.dir", dataDir));
    }

    public TestServer(Config config) {
        // decisions are carried out at once unless a test is about the undo window (panel.undo_seconds)
        if (config.get("panel.undo_seconds").isEmpty()) config = config.with("panel.undo_seconds", 0);
        deps = App.Deps.open(config);
        app = App.create(deps).start("127.0.0.1", 0);
        deps.startWorkers();
        base = "http://127.0.0.1:" + app.port();
    }

    public String token(String name, Scope... scopes) {
        return deps.tokens().create(name, Set.of(scopes), null, null, "test").token();
    }

    public record Response(int status, String body, String contentType, ObjectMapper mapper) {
        public JsonNode json() {
            try {
                return mapper.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    public Response send(String method, String path, String token, String contentType, String body, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (contentType != null) b.header("Content-Type", contentType);
        if (accept != null) b.header("Accept", accept);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""), json);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        }
    }

    /** Sends raw bytes with one extra header (webhooks, the pict-rs gate). */
    public Response sendBytes(String method, String path, String contentType, byte[] body, String header, String value) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType);
        if (header != null && value != null) b.header(header, value);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""), json);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null, null, null);
    }

    public Response postJson(String path, String token, String body) {
        return send("POST", path, token, "application/json", body, null);
    }

    @Override
    public void close() {
        app.stop();
        deps.close();
    }
}
