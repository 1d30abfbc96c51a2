package org.sightline.ingest;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A stand-in for an instance's media storage: serves byte arrays on 127.0.0.1, optionally slowly. */
public final class MediaServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicLong delayMillis = new AtomicLong();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    public MediaServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = files.get(exchange.getRequestURI().getPath());
            try {
                long delay = delayMillis.get();
                if (delay > 0) Thread.sleep(delay);
                if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    exchange.sendResponseHeaders(503, -1);
                } else if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            } catch (InterruptedException | IOException e) {
                // client went away (a test stopping a server mid-download)
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public String put(String path, byte[] bytes) {
        files.put(path, bytes);
        return url(path);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next {@code n} requests fail with 503 (a transient failure). */
    public void failNext(int n) {
        failuresLeft.set(n);
    }

    public void delay(long millis) {
        delayMillis.set(millis);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
