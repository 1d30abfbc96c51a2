package org.sightline.dsa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A small EU Transparency Database: {@code POST /api/v1/statement} with a bearer token, answering as the real one
 * does (201 with the stored statement; 422 {@code {"message", "errors": {"puid": [...]}, "existing": {"puid"}}} for
 * a PUID it already holds; 422 with the failing field otherwise). Scripted answers per statement in order of
 * arrival ({@link #script}); after the script, a statement is stored.
 */
final class FakeTdb implements AutoCloseable {
    record Call(String authorization, JsonNode body) {
    }

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final String token;
    final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Deque<Integer>> scripts = new LinkedHashMap<>();
    private final List<List<Integer>> pending = new ArrayList<>();
    final Map<String, JsonNode> stored = Collections.synchronizedMap(new LinkedHashMap<>());

    FakeTdb(String token) {
        this.token = token;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/statement", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The answers to the n-th distinct statement to arrive (500, 422 = another field invalid, 0 = store it). */
    synchronized void script(Integer... answers) {
        pending.add(List.of(answers));
    }

    private synchronized Integer next(String puid) {
        Deque<Integer> d = scripts.get(puid);
        if (d == null) {
            d = new ConcurrentLinkedDeque<>(pending.isEmpty() ? List.of() : pending.remove(0));
            scripts.put(puid, d);
        }
        return d.poll();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = json.readTree(ex.getRequestBody().readAllBytes());
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            calls.add(new Call(auth, body));
            if (!("Bearer " + token).equals(auth)) {
                send(ex, 401, "{\"message\":\"Unauthenticated.\"}");
                return;
            }
            String puid = body.path("puid").asText();
            Integer answer = next(puid);
            if (answer != null && answer == 500) {
                send(ex, 500, "{\"message\":\"Server Error\"}");
            } else if (answer != null && answer == 422) {
                send(ex, 422, "{\"message\":\"The selected category is invalid.\",\"errors\":{\"category\":"
                        + "[\"The selected category is invalid.\"]}}");
            } else if (stored.containsKey(puid)) {
                send(ex, 422, "{\"message\":\"The identifier given is not unique within this platform.\",\"errors\":"
                        + "{\"puid\":[\"The identifier given is not unique within this platform.\"]},\"existing\":"
                        + "{\"puid\":\"" + puid + "\"}}");
            } else {
                stored.put(puid, body);
                send(ex, 201, "{\"uuid\":\"0b5e8c1e-0000-4000-8000-" + String.format("%012d", stored.size())
                        + "\",\"puid\":\"" + puid + "\"}");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
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
