package org.sightline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import org.sightline.boot.App;
import org.sightline.config.Config;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * {@code bench follow}: a real server on loopback following a local stand-in Mastodon's remote timeline over
 * server-sent events. Reports the statuses per second the follower turns into queued media (a burst pushed as
 * fast as the stream takes it), and stream-to-verdict latency one status at a time (the media fetched from a
 * local media server, hashed, matched and decided).
 */
@Command(name = "follow", description = "Benchmark following an instance's streaming API on loopback.")
public final class FollowBenchCommand implements Callable<Integer> {
    private static final String TOKEN = "bench-read-statuses-token";

    @Option(names = "--events", defaultValue = "2000", description = "statuses pushed in the burst")
    int events;
    @Option(names = "--sequential", defaultValue = "50", description = "statuses pushed one at a time for latency")
    int sequential;
    @Option(names = "--db-url", description = "database (default: a fresh H2 file in a temporary directory)")
    String dbUrl;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final List<OutputStream> streams = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("sightline-bench-follow");
        byte[] jpeg = IngestBenchCommand.photo(500_000);
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.setExecutor(Executors.newCachedThreadPool());
        fake.createContext("/", this::handle);
        fake.createContext("/photo.jpg", ex -> {
            ex.getResponseHeaders().set("Content-Type", "image/jpeg");
            ex.sendResponseHeaders(200, jpeg.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(jpeg);
            }
        });
        fake.start();
        // Mastodon's heartbeat: a comment every 10 s keeps an idle stream from being taken for dead
        var heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(() -> write(":thump\n".getBytes(StandardCharsets.UTF_8)), 10, 10,
                java.util.concurrent.TimeUnit.SECONDS);
        String base = "http://127.0.0.1:" + fake.getAddress().getPort();
        Config config = Config.defaults().with("data.dir", dir).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 20).with("follow.check_ms", 200).with("misskey.poll_interval_s", 0);
        if (dbUrl != null) config = config.with("db.url", dbUrl);
        try (App.Deps deps = App.Deps.open(config)) {
            Javalin app = App.create(deps).start("127.0.0.1", 0);
            deps.startWorkers();
            try {
                Instance instance = deps.instances().add(new InstanceService.NewInstance("bench", "mastodon", base,
                        null, TOKEN, null, null, "remote")).instance();
                while (streams.isEmpty() || deps.follower().state(instance).map(s -> s.state().wireName())
                        .filter("following"::equals).isEmpty()) {
                    Thread.sleep(20);
                }
                out.printf(Locale.ROOT, "following a stand-in Mastodon over SSE on loopback; %d cores%n",
                        Runtime.getRuntime().availableProcessors());
                // warm-up
                for (int i = 0; i < 200; i++) push("w" + i, base + "/photo.jpg");
                awaitQueued(deps, 200);
                awaitDone(deps, 200);

                long t0 = System.nanoTime();
                for (int i = 0; i < events; i++) push("e" + i, base + "/photo.jpg?" + i);
                long pushed = System.nanoTime();
                awaitQueued(deps, 200 + events);
                double seconds = (System.nanoTime() - t0) / 1e9;
                awaitDone(deps, 200 + events);

                long[] latency = new long[sequential];
                for (int i = 0; i < sequential; i++) {
                    long start = System.nanoTime();
                    push("q" + i, base + "/photo.jpg?q" + i);
                    awaitDone(deps, 200 + events + i + 1);
                    latency[i] = System.nanoTime() - start;
                }
                out.println();
                out.println("| measure | figure |");
                out.println("|---|---:|");
                out.printf(Locale.ROOT, "| burst of %d statuses written to the stream | %.2f s |%n", events, (pushed - t0) / 1e9);
                out.printf(Locale.ROOT, "| statuses read and their media queued by the follower | %.0f statuses/s |%n", events / seconds);
                out.printf(Locale.ROOT, "| stream to verdict, one at a time, p50 | %.1f ms |%n", IngestBenchCommand.pct(latency, 50));
                out.printf(Locale.ROOT, "| stream to verdict, one at a time, p99 | %.1f ms |%n", IngestBenchCommand.pct(latency, 99));
            } finally {
                app.stop();
            }
        } finally {
            for (OutputStream s : streams) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
            heartbeat.shutdownNow();
            fake.stop(0);
            IngestBenchCommand.deleteTree(dir);
        }
        return 0;
    }

    private static int count(App.Deps deps, String sql) {
        return deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private static void awaitQueued(App.Deps deps, int n) throws InterruptedException {
        while (count(deps, "SELECT COUNT(*) FROM media") < n) Thread.sleep(5);
    }

    private static void awaitDone(App.Deps deps, int n) throws InterruptedException {
        while (count(deps, "SELECT COUNT(*) FROM media_work WHERE state = 'done'") < n) Thread.sleep(2);
    }

    private long ids = 110_000_000_000_000_000L;

    /** One remote status with one image, as an {@code update} event on every open stream. */
    private void push(String attachment, String url) throws IOException {
        ids += 65_536;
        ObjectNode s = json.createObjectNode().put("id", String.valueOf(ids)).put("created_at", Instant.now().toString())
                .put("visibility", "public").put("sensitive", false).put("spoiler_text", "")
                .put("url", "https://remote.example/@x/" + ids).put("uri", "https://remote.example/users/x/statuses/" + ids);
        s.putObject("account").put("id", "42").put("acct", "x@remote.example");
        s.putArray("media_attachments").addObject().put("id", attachment).put("type", "image").put("url", url)
                .put("preview_url", url);
        byte[] event = ("event: update\ndata: " + s + "\n\n").getBytes(StandardCharsets.UTF_8);
        write(event);
    }

    /** Writes to every open stream; a closed one is forgotten (the follower reconnects). */
    private void write(byte[] bytes) {
        for (OutputStream o : streams) {
            try {
                synchronized (o) {
                    o.write(bytes);
                    o.flush();
                }
            } catch (IOException e) {
                streams.remove(o);
            }
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            answer(ex, 401, "{\"error\":\"invalid token\"}");
        } else if (path.equals("/api/v1/timelines/public")) {
            answer(ex, 200, "[]");
        } else if (path.equals("/api/v1/streaming/public/remote")) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream o = ex.getResponseBody();
            o.write(":)\n".getBytes(StandardCharsets.UTF_8));
            o.flush();
            streams.add(o);
        } else {
            answer(ex, 404, "{\"error\":\"Record not found\"}");
        }
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }
}
