package org.sightline.cli;

import org.sightline.ingest.MediaCatalog;
import org.sightline.ingest.MediaProcessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import org.sightline.boot.App;
import org.sightline.config.Config;
import org.sightline.ingest.mastodon.WebhookSignature;
import org.sightline.instances.InstanceService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code bench ingest}: a real server on loopback over a fresh data directory, a local media server with a
 * 2 MP JPEG, and a burst of signed Mastodon webhooks. Reports acknowledgement latency (against plain
 * {@code /healthz} round trips in the same run), webhook-to-verdict latency one event at a time, and media
 * processed per second (against the in-process decode+hash rate of the same image).
 */
@Command(name = "ingest", description = "Benchmark webhook acknowledgement and media processing on loopback.")
public final class IngestBenchCommand implements Callable<Integer> {
    private static final String SECRET = "bench-webhook-secret-0123456789";
    private static final int WARM_UP = 1000;

    @Option(names = "--events", defaultValue = "1000")
    int events;
    @Option(names = "--concurrency", defaultValue = "8", description = "webhook senders at once")
    int concurrency;
    @Option(names = "--sequential", defaultValue = "30", description = "events sent one at a time for verdict latency")
    int sequential;
    @Option(names = "--rate", defaultValue = "200", description = "webhooks per second (open loop); 0 = as fast as the senders go")
    int rate;
    @Option(names = "--db-url", description = "database (default: a fresh H2 file in a temporary directory)")
    String dbUrl;
    @Option(names = "--no-classifier", description = "run without the local classifier (to measure what it costs)")
    boolean noClassifier;
    @Option(names = "--workers", description = "ingest workers (default: the server's default)")
    Integer workers;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("sightline-bench-ingest");
        byte[] jpeg = photo(2_000_000);
        HttpServer media = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        media.setExecutor(Executors.newFixedThreadPool(4));
        media.createContext("/", ex -> {
            ex.getResponseHeaders().set("Content-Type", "image/jpeg");
            ex.sendResponseHeaders(200, jpeg.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(jpeg);
            }
        });
        media.start();
        Config config = Config.defaults().with("data.dir", dir).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 20);
        if (workers != null) config = config.with("ingest.workers", workers);
        if (noClassifier) config = config.with("classifier.local.enabled", false);
        if (dbUrl != null) config = config.with("db.url", dbUrl);
        ExecutorService senders = Executors.newFixedThreadPool(concurrency);
        try (App.Deps deps = App.Deps.open(config)) {
            Javalin app = App.create(deps).start("127.0.0.1", 0);
            deps.startWorkers();
            try {
                deps.instances().add(new InstanceService.NewInstance("bench", "mastodon", "https://bench.example",
                        SECRET, null, null, null, null));
                String base = "http://127.0.0.1:" + app.port();
                String imageUrl = "http://127.0.0.1:" + media.getAddress().getPort() + "/photo.jpg";
                HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(concurrency)).build();
                out.printf(Locale.ROOT, "%d webhooks (%s), each with one %.1f MP JPEG (%d KB) served on loopback; "
                        + "%d cores%n", events, rate > 0 ? rate + " per second, open loop" : concurrency + " at once", 2.0, jpeg.length / 1024, Runtime.getRuntime().availableProcessors());

                // warm-up: JIT, connection pools, the first H2 pages
                burst(senders, 1000, i -> time(client, HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), 200));
                burst(senders, WARM_UP, i -> time(client, webhook(base, status("w" + i, "w" + i, imageUrl)), 202));
                boolean processing = workers == null || workers > 0;
                if (processing) awaitDone(deps, WARM_UP);
                long[] health = burst(senders, events, i -> time(client, HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), 200));
                long t0 = System.nanoTime();
                long[] acks = rate > 0
                        ? paced(client, events, rate, i -> webhook(base, status("s" + i, "a" + i, imageUrl)))
                        : burst(senders, events, i -> time(client, webhook(base, status("s" + i, "a" + i, imageUrl)), 202));
                long acked = System.nanoTime();
                if (!processing) {
                    out.printf(Locale.ROOT, "no workers: acknowledgement p50 %.2f ms, p99 %.2f ms (healthz p50 %.2f, p99 %.2f); "
                                    + "inside the server: %s%n", pct(acks, 50), pct(acks, 99), pct(health, 50), pct(health, 99),
                            serverSide(deps));
                    out.printf(Locale.ROOT, "peak RSS of this process (server, media server and client): %s%n", peakRss());
                    return 0;
                }
                awaitDone(deps, events + WARM_UP);
                double seconds = (System.nanoTime() - t0) / 1e9;

                List<Long> verdicts = new ArrayList<>();
                for (int i = 0; i < sequential; i++) {
                    byte[] body = status("q" + i, "b" + i, imageUrl);
                    long start = System.nanoTime();
                    time(client, webhook(base, body), 202);
                    awaitDone(deps, events + WARM_UP + i + 1);
                    verdicts.add(System.nanoTime() - start);
                }
                double hashRate = hashRate(deps, jpeg);

                out.println();
                out.println("| measure | p50 | p99 |");
                out.println("|---|---:|---:|");
                out.printf(Locale.ROOT, "| GET /healthz round trip (baseline) | %.2f ms | %.2f ms |%n", pct(health, 50), pct(health, 99));
                out.printf(Locale.ROOT, "| webhook acknowledged (verified, persisted) | %.2f ms | %.2f ms |%n", pct(acks, 50), pct(acks, 99));
                long[] v = verdicts.stream().mapToLong(Long::longValue).toArray();
                out.printf(Locale.ROOT, "| same, measured inside the server (handler start to answer) | %s |%n",
                        serverSide(deps).replace(", ", " | "));
                out.printf(Locale.ROOT, "| webhook to verdict, one at a time | %.1f ms | %.1f ms |%n", pct(v, 50), pct(v, 99));
                out.println();
                out.printf(Locale.ROOT, "burst of %d acknowledged in %.2f s (%.0f events/s); all %d media processed in %.2f s: "
                                + "%.1f media/s%n", events, (acked - t0) / 1e9, events / ((acked - t0) / 1e9), events, seconds,
                        events / seconds);
                out.printf(Locale.ROOT, "in-process decode+hash+previews of the same JPEG on all cores: %.1f images/s "
                        + "(pipeline reaches %.0f %% of it)%n", hashRate, 100 * events / seconds / hashRate);
                out.printf(Locale.ROOT, "peak RSS of this process (server, media server and client): %s%n", peakRss());
            } finally {
                app.stop();
            }
        } finally {
            senders.shutdownNow();
            media.stop(0);
            deleteTree(dir);
        }
        return 0;
    }

    private static HttpRequest webhook(String base, byte[] body) {
        return HttpRequest.newBuilder(URI.create(base + "/hooks/mastodon/bench"))
                .header("Content-Type", "application/json")
                .header(WebhookSignature.HEADER, WebhookSignature.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private interface Timed {
        long run(int i) throws Exception;
    }

    /** Sends at a fixed rate whatever the answers' speed (open loop), so latency is not hidden by back-pressure. */
    private static long[] paced(HttpClient client, int n, int perSecond, java.util.function.IntFunction<HttpRequest> request)
            throws Exception {
        long[] out = new long[n];
        List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            HttpRequest r = request.apply(i);
            int k = i;
            long sent = System.nanoTime();
            pending.add(client.sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenAccept(resp -> {
                if (resp.statusCode() != 202) throw new IllegalStateException("expected 202, got " + resp.statusCode());
                out[k] = System.nanoTime() - sent;
            }));
        }
        for (var f : pending) f.get();
        return out;
    }

    private static long[] burst(ExecutorService pool, int n, Timed task) throws Exception {
        List<Future<Long>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            futures.add(pool.submit(() -> task.run(k)));
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = futures.get(i).get();
        return out;
    }

    private static long time(HttpClient client, HttpRequest request, int expected) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        long elapsed = System.nanoTime() - start;
        if (r.statusCode() != expected) throw new IllegalStateException("expected " + expected + ", got " + r.statusCode());
        return elapsed;
    }

    private static void awaitDone(App.Deps deps, int total) throws InterruptedException {
        MediaCatalog media = new MediaCatalog(deps.database().jdbi());
        while (deps.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM media_work WHERE state = 'done'")
                .mapTo(Integer.class).one()) < total || media.countUnfinished() > 0) {
            Thread.sleep(5);
        }
    }

    /** Decode, hash and previews of the image, on every core at once, in images per second. */
    private static double hashRate(App.Deps deps, byte[] jpeg) throws Exception {
        MediaProcessor processor = deps.scans().processor();
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int perThread = 20;
            for (int i = 0; i < 5; i++) processor.scan(jpeg);
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) processor.scan(jpeg);
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            return threads * perThread / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The server's own acknowledgement timer (a decaying window, mostly the measured burst): p50 and p99. */
    private static String serverSide(App.Deps deps) {
        var snapshot = deps.metrics().webhookAck().takeSnapshot();
        StringBuilder sb = new StringBuilder();
        for (var v : snapshot.percentileValues()) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "%.2f ms", v.value(java.util.concurrent.TimeUnit.MILLISECONDS)));
        }
        return sb.toString();
    }

    /** The process's peak resident set size (VmHWM in /proc/self/status, Linux), or "n/a" elsewhere. */
    static String peakRss() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmHWM:")).findFirst()
                    .map(l -> l.replaceAll("[^0-9]", ""))
                    .filter(kb -> !kb.isEmpty())
                    .map(kb -> String.format(Locale.ROOT, "%.0f MB", Long.parseLong(kb) / 1024.0))
                    .orElse("n/a");
        } catch (Exception e) {
            return "n/a";
        }
    }

    static double pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, idx)] / 1e6;
    }

    private static byte[] status(String statusId, String attachmentId, String url) {
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("id", attachmentId);
        attachment.put("type", "image");
        attachment.put("url", url);
        attachment.put("preview_url", url);
        Map<String, Object> account = new LinkedHashMap<>();
        account.put("id", "1");
        account.put("acct", "bench");
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("id", statusId);
        status.put("created_at", "2026-01-01T00:00:00.000Z");
        status.put("url", "https://bench.example/@bench/" + statusId);
        status.put("account", account);
        status.put("media_attachments", List.of(attachment));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("event", "status.created");
        root.put("created_at", "2026-01-01T00:00:00.000Z");
        root.put("object", status);
        try {
            return new ObjectMapper().writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bundled bridge photo resized to about {@code pixels} and re-encoded as a baseline JPEG. */
    static byte[] photo(int pixels) throws Exception {
        BufferedImage source;
        try (InputStream in = IngestBenchCommand.class.getResourceAsStream("/bench/bridge.jpg")) {
            source = ImageIO.read(in);
        }
        double scale = Math.sqrt(pixels / (source.getWidth() * (double) source.getHeight()));
        int w = (int) Math.round(source.getWidth() * scale);
        int h = (int) Math.round(source.getHeight() * scale);
        BufferedImage resized = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(source, 0, 0, w, h, null);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(resized, "jpeg", bytes);
        return bytes.toByteArray();
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // a temp directory: best effort
        }
    }
}
