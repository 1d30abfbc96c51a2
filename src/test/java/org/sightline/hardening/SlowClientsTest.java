package org.sightline.hardening;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.config.Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Clients trickling request bodies are cut off, and /healthz keeps answering meanwhile. Loopback only, bounded. */
class SlowClientsTest {
    static final String[] PATHS = {"/hooks/mastodon/nosuch", "/api/v1/media", "/login"};

    @TempDir
    Path data;
    TestServer server;
    final List<SlowClient> clients = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        for (SlowClient c : clients) c.close();
        if (server != null) server.close();
    }

    /** A raw socket that sends a request's headers, announces a large body, then trickles it. */
    static final class SlowClient {
        final Socket socket;
        final long startedAt = System.nanoTime();
        volatile long closedAfterMs = -1;
        volatile String statusLine = "";

        SlowClient(int port, String path) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Cookie: sightline_pre=" + "t".repeat(24) + "\r\nContent-Length: 100000\r\n\r\nusername=x";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Thread reader = new Thread(() -> {
                try {
                    InputStream in = socket.getInputStream();
                    StringBuilder line = new StringBuilder();
                    int b;
                    while ((b = in.read()) >= 0) {
                        if (line.length() < 40 && b != '\r' && b != '\n') line.append((char) b);
                        else if (b == '\n' && statusLine.isEmpty()) statusLine = line.toString();
                    }
                } catch (IOException ignored) {
                    // reset by the server or closed by the test: either way this client is done
                }
                closedAfterMs = (System.nanoTime() - startedAt) / 1_000_000;
            }, "slow-client-reader");
            reader.setDaemon(true);
            reader.start();
        }

        boolean trickle() {
            if (closedAfterMs >= 0) return false;
            try {
                OutputStream out = socket.getOutputStream();
                out.write("&aaaaaaaa".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    long healthMs() throws Exception {
        long t0 = System.nanoTime();
        int status = http.send(HttpRequest.newBuilder(URI.create(server.base + "/healthz")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(status).isEqualTo(200);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void trickled_bodies_are_cut_off_and_health_stays_answerable() throws Exception {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                .with("http.idle_timeout_ms", 3000));
        for (int i = 0; i < 60; i++) clients.add(new SlowClient(server.app.port(), PATHS[i % PATHS.length]));
        AtomicLong slowestHealth = new AtomicLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && clients.stream().anyMatch(c -> c.closedAfterMs < 0)) {
            for (SlowClient c : clients) c.trickle();
            slowestHealth.accumulateAndGet(healthMs(), Math::max);
            Thread.sleep(500);
        }
        long open = clients.stream().filter(c -> c.closedAfterMs < 0).count();
        long latest = clients.stream().mapToLong(c -> c.closedAfterMs).max().orElse(-1);
        System.out.println("slow clients still open " + open + " of 60, last cut after " + latest
                + " ms, slowest /healthz " + slowestHealth.get() + " ms");
        assertThat(open).isZero();
        assertThat(latest).isLessThan(15_000);
        assertThat(slowestHealth.get()).isLessThan(3_000);
    }

    @Test
    void bodies_in_progress_are_capped_and_the_rest_answered_busy_at_once() throws Exception {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                .with("http.max_open_uploads", 5));
        for (int i = 0; i < 12; i++) clients.add(new SlowClient(server.app.port(), "/login"));
        Thread.sleep(1500);
        long busy = clients.stream().filter(c -> c.statusLine.contains(" 503")).count();
        assertThat(busy).isGreaterThanOrEqualTo(7);
        for (SlowClient c : clients) c.close();
        // the places of the cut-off clients are free again
        Thread.sleep(1000);
        assertThat(server.send("POST", "/login", null, "application/x-www-form-urlencoded", "username=x", null).status())
                .isNotEqualTo(503);
        assertThat(healthMs()).isLessThan(3_000);
    }
}
