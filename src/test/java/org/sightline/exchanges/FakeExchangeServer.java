package org.sightline.exchanges;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A local HTTP server that answers every request with what a test's handler says, and remembers the requests (public:
 * the panel's exchange tests use it too).
 */
public final class FakeExchangeServer implements AutoCloseable {
    /** {@code method} and {@code body}: feedback calls (StopNCII's POST, NCMEC's PUT) carry one. */
    public record Seen(String path, Map<String, String> query, Map<String, String> headers, String method, String body) {
    }

    public record Answer(int status, String contentType, String body) {
    }

    private final HttpServer server;
    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    public volatile Function<Seen, Answer> handler = s -> new Answer(404, "text/plain", "");

    public FakeExchangeServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                query.put(k, v);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        String sent;
        try (var in = ex.getRequestBody()) {
            sent = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Seen s = new Seen(ex.getRequestURI().getPath(), query, headers, ex.getRequestMethod(), sent);
        seen.add(s);
        Answer a = handler.apply(s);
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", a.contentType());
        ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
