package org.sightline.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.Main;
import org.sightline.ingest.mastodon.WebhookSignature;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server stopped (SIGTERM) while its workers are busy stops the workers first and closes the embedded
 * database last: no worker finds the database gone, and nothing in flight is lost (its lease expires).
 */
class ShutdownTest {
    private static final Pattern LISTENING = Pattern.compile("Sightline listening on (http://127\\.0\\.0\\.1:\\d+)");

    @TempDir
    Path data;

    @Test
    void a_stopped_server_closes_the_database_after_its_busy_workers_stop() throws Exception {
        try (MediaServer media = new MediaServer()) {
            media.put("/slow.jpg", IngestEndToEndTest.image("misc-images/wee.jpg"));
            media.delay(1500);
            Map<String, String> env = new HashMap<>();
            env.put("SIGHTLINE_DATA_DIR", data.toString());
            env.put("SIGHTLINE_HTTP_HOST", "127.0.0.1");
            env.put("SIGHTLINE_HTTP_PORT", "0");
            env.put("SIGHTLINE_FETCH_ALLOW_PRIVATE_ADDRESSES", "true");
            env.put("SIGHTLINE_INGEST_POLL_MS", "50");
            env.put("SIGHTLINE_INGEST_WORKERS", "4");
            assertThat(Main.run(new String[]{"instance", "add", "social", "--kind", "mastodon", "--url",
                    "https://m.example", "--webhook-secret", Webhooks.SECRET}, env, new PrintWriter(new StringWriter()),
                    new PrintWriter(new StringWriter()))).isZero();

            Path log = data.resolveSibling(data.getFileName() + "-server.log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                    "org.sightline.Main", "serve");
            pb.environment().keySet().removeIf(k -> k.startsWith("SIGHTLINE_"));
            pb.environment().putAll(env);
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process server = pb.start();
            try {
                String base = awaitListening(server, log);
                HttpClient client = HttpClient.newHttpClient();
                for (int i = 0; i < 8; i++) {
                    byte[] body = Webhooks.status("status.created", String.valueOf(500 + i), "s" + i, media.url("/slow.jpg"));
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/hooks/mastodon/social"))
                            .header("Content-Type", "application/json")
                            .header(WebhookSignature.HEADER, WebhookSignature.sign(Webhooks.SECRET, body))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(202);
                }
                Thread.sleep(600); // the workers are now waiting on the slow downloads
                server.destroy(); // SIGTERM: the shutdown hook runs
                assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
            } finally {
                server.destroyForcibly();
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(text).as(text).doesNotContain("already closed").doesNotContain("has been closed")
                    .doesNotContain("MVStoreException").doesNotContain("work_failed");
        }
    }

    private static String awaitListening(Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = LISTENING.matcher(text);
            if (m.find()) return m.group(1);
            if (!p.isAlive()) throw new AssertionError("the server exited at start:\n" + text);
            Thread.sleep(20);
        }
        throw new AssertionError("the server did not start within 60 s");
    }
}
