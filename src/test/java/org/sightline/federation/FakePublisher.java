package org.sightline.federation;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A list publisher whose every answer the test chooses (to serve altered, replayed or mis-signed documents). */
final class FakePublisher implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final String base;
    final String listUrl;

    record Answer(byte[] body, Map<String, String> headers, int status) {
        Answer(byte[] body, Map<String, String> headers) {
            this(body, headers, 200);
        }
    }

    /** Answers {@code status} with no body and no headers (an unsigned 304, say). */
    void serveStatus(String pathAndQuery, int status) {
        answers.put(pathAndQuery, new Answer(new byte[0], Map.of(), status));
    }

    FakePublisher() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String key = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            Answer a = answers.get(key);
            if (a == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            if (a.status() != 200) {
                exchange.sendResponseHeaders(a.status(), -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, a.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(a.body());
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        listUrl = base + "/lists/l";
    }

    ListFormat.Header header(SigningKey key) {
        return new ListFormat.Header(listUrl, "l", "test list", "fake", key.keyId());
    }

    /** Serves {@code body} at {@code pathAndQuery}, signed by {@code signer} and labelled with {@code keyId}. */
    void serve(String pathAndQuery, byte[] body, SigningKey signer, String keyId, long seq) {
        answers.put(pathAndQuery, new Answer(body, Map.of(ListFormat.SIGNATURE_HEADER, signer.signBase64(body),
                ListFormat.KEY_ID_HEADER, keyId, ListFormat.SEQUENCE_HEADER, String.valueOf(seq))));
    }

    void serveSigned(String pathAndQuery, byte[] body, SigningKey signer, long seq) {
        serve(pathAndQuery, body, signer, signer.keyId(), seq);
    }

    void serveRaw(String pathAndQuery, byte[] body, Map<String, String> headers) {
        answers.put(pathAndQuery, new Answer(body, headers));
    }

    void serveKey(PublicKey key, List<ListFormat.SignedRotation> rotations) {
        serveRaw("/lists/l/key", ListFormat.keyDocument(key, rotations), Map.of("Content-Type", "application/json"));
    }

    static ListFormat.Change add(long seq, String pdq) {
        return new ListFormat.Change(seq, "add", "pdq", pdq, List.of("spam"), null, "2026-01-01T00:00:00Z", null);
    }

    static ListFormat.Change retract(long seq, long ref, String pdq) {
        return new ListFormat.Change(seq, "retract", "pdq", pdq, List.of("spam"), null, "2026-01-01T00:00:00Z", ref);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
