package org.sightline.actions;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for a Mastodon server speaking the documented moderation endpoints: it checks the bearer token
 * and the required parameters, records every call, and can be told to fail the next calls with a status.
 */
public final class FakeMastodon implements AutoCloseable {
    public static final String TOKEN = "fake-mastodon-token-123";

    public record Call(String method, String path, Map<String, List<String>> form, String body) {
        public String one(String key) {
            List<String> v = form.get(key);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private final HttpServer server;
    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Integer> failures = new ConcurrentLinkedDeque<>();
    private final CallHolds holds = new CallHolds();
    /** Tokens accepted, with their application's scopes (null: answered like Mastodon before 4.3, without scopes). */
    private final Map<String, java.util.Optional<String>> tokens = new java.util.concurrent.ConcurrentHashMap<>(
            Map.of(TOKEN, java.util.Optional.of("read write:reports admin:read admin:write:accounts")));

    public FakeMastodon() {
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

    /** The next authenticated call waits until {@code gate} opens (after saying so on {@code arrived}). */
    void holdNext(CountDownLatch arrived, CountDownLatch gate) {
        holds.holdNext(arrived, gate);
    }

    /**
     * Accepts another token, as one an admin made under Preferences → Development, whose application has
     * {@code scopes} (space-separated); null: the server answers {@code verify_credentials} as before 4.3.0.
     */
    public void token(String token, String scopes) {
        tokens.put(token, java.util.Optional.ofNullable(scopes));
    }

    /** The next call answers {@code status} (once per call to this method). */
    public void failNext(int status) {
        failures.add(status);
    }

    public List<Call> calls(String pathPrefix) {
        return calls.stream().filter(c -> c.path().startsWith(pathPrefix)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            Map<String, List<String>> form = parseForm(body);
            calls.add(new Call(ex.getRequestMethod(), path, form, body));
            if (path.equals("/api/v1/apps") && ex.getRequestMethod().equals("POST")) {
                if (form.get("redirect_uris") == null || form.get("scopes") == null) {
                    send(ex, 422, "{\"error\":\"Validation failed\"}");
                    return;
                }
                send(ex, 200, "{\"client_id\":\"fake-client-id\",\"client_secret\":\"fake-client-secret\"}");
                return;
            }
            if (path.equals("/oauth/token") && ex.getRequestMethod().equals("POST")) {
                boolean ok = "authorization_code".equals(first(form, "grant_type")) && "good-code".equals(first(form, "code"))
                        && "fake-client-secret".equals(first(form, "client_secret"));
                send(ex, ok ? 200 : 400, ok ? "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\"}"
                        : "{\"error\":\"invalid_grant\"}");
                return;
            }
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            String bearer = authorization != null && authorization.startsWith("Bearer ")
                    ? authorization.substring("Bearer ".length()) : "";
            if (!tokens.containsKey(bearer)) {
                send(ex, 401, "{\"error\":\"The access token is invalid\"}");
                return;
            }
            if (path.equals("/api/v1/apps/verify_credentials") && ex.getRequestMethod().equals("GET")) {
                // the token's Application; scopes and redirect_uris since 4.3.0
                java.util.Optional<String> scopes = tokens.get(bearer);
                send(ex, 200, scopes.map(sc -> "{\"name\":\"Sightline\",\"website\":null,\"scopes\":["
                        + String.join(",", java.util.Arrays.stream(sc.split(" ")).map(x -> "\"" + x + "\"").toList())
                        + "],\"redirect_uris\":[\"urn:ietf:wg:oauth:2.0:oob\"]}")
                        .orElse("{\"name\":\"Sightline\",\"website\":null}"));
                return;
            }
            holds.passOrWait();
            Integer failure = failures.poll();
            if (failure != null) {
                send(ex, failure, "{\"error\":\"injected failure\"}");
                return;
            }
            if (path.equals("/api/v1/reports") && ex.getRequestMethod().equals("POST")) {
                if (form.get("account_id") == null || form.get("category") == null) {
                    send(ex, 422, "{\"error\":\"Validation failed\"}");
                    return;
                }
                send(ex, 200, "{\"id\":\"" + (1000 + calls.size()) + "\",\"category\":\"" + form.get("category").get(0) + "\"}");
            } else if (path.matches("/api/v1/admin/accounts/[^/]+/action") && ex.getRequestMethod().equals("POST")) {
                String type = form.get("type") == null ? "" : form.get("type").get(0);
                send(ex, List.of("none", "sensitive", "disable", "silence", "suspend").contains(type) ? 200 : 422, "{}");
            } else if (path.matches("/api/v1/admin/accounts/[^/]+/(unsilence|unsuspend|unsensitive)")
                    && ex.getRequestMethod().equals("POST")) {
                // Mastodon answers with the Admin::Account
                send(ex, 200, "{\"id\":\"" + path.split("/")[5] + "\"}");
            } else {
                send(ex, 404, "{\"error\":\"Record not found\"}");
            }
        }
    }

    private static String first(Map<String, List<String>> form, String key) {
        List<String> v = form.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static Map<String, List<String>> parseForm(String body) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (body.isEmpty() || body.startsWith("{")) return form;
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.computeIfAbsent(k, x -> Collections.synchronizedList(new ArrayList<>())).add(v);
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
