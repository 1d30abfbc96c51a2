package org.sightline.cli;

import org.sightline.config.Config;
import org.sightline.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench start}: starts {@code serve} as a child JVM over a data directory holding N random PDQ hashes,
 * twice in a row (the first start reads the database and writes the index snapshot, the second loads the
 * snapshot), and reports the time to the first {@code /healthz} and {@code /readyz} answers, the index load the
 * server logged, and the resident memory once ready. Size 0 is the empty baseline.
 */
@Command(name = "start", description = "Benchmark start-up time and memory with N hashes (database vs snapshot).")
public final class StartBenchCommand implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", description = "Numbers of PDQ hashes (default: 0,1000000)")
    List<Integer> sizes = List.of(0, 1_000_000);

    @Option(names = "--heap", description = "Heap option for the server (default: -Xmx1g, as README's start command)")
    String heap = "-Xmx1g";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final Pattern LOADED = Pattern.compile("event=bank_index_loaded source=(\\w+) entries=(\\d+) ms=(\\d+)");

    record Start(int size, String source, long indexMs, long healthMs, long readyMs, long rssMb) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Start> rows = new ArrayList<>();
        for (int n : sizes) {
            Path dir = Files.createTempDirectory("sightline-start-bench");
            try {
                fill(dir, n);
                for (int run = 0; run < 2; run++) {
                    Start s = start(dir, n);
                    rows.add(s);
                    out.printf(Locale.ROOT, "%,d hashes, start %d: %s%n", n, run + 1, s);
                    out.flush();
                }
            } finally {
                deleteTree(dir);
            }
        }
        out.println();
        out.println("| hashes | index loaded from | index load ms | first /healthz ms | /readyz ms | RSS MB |");
        out.println("|---:|---|---:|---:|---:|---:|");
        for (Start s : rows) {
            out.printf(Locale.ROOT, "| %,d | %s | %d | %d | %d | %d |%n", s.size(), s.source(), s.indexMs(),
                    s.healthMs(), s.readyMs(), s.rssMb());
        }
        out.flush();
        return 0;
    }

    /** Migrates a fresh database and inserts {@code n} random PDQ entries into one bank, in batches. */
    private static void fill(Path dir, int n) {
        try (Database db = Database.open(Config.defaults().with("data.dir", dir))) {
            Instant now = Instant.now();
            db.jdbi().useHandle(h -> {
                h.createUpdate("INSERT INTO banks (name, kind, policy, mode, labels, pdq_threshold, phash_threshold,"
                        + " dhash_threshold, created_at, updated_at) VALUES ('bench', 'local', 'review', 'enforce', '',"
                        + " 31, 10, 10, :now, :now)").bind("now", now).execute();
                SplittableRandom r = new SplittableRandom(42);
                var batch = h.prepareBatch("INSERT INTO bank_entries (bank_id, signal_type, signal_value, labels,"
                        + " added_by, state, created_at) VALUES ((SELECT id FROM banks WHERE name = 'bench'), 'pdq',"
                        + " :v, '', 'bench', 'active', :now)");
                for (int i = 0; i < n; i++) {
                    batch.bind("v", String.format(Locale.ROOT, "%016x%016x%016x%016x",
                            r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong())).bind("now", now).add();
                    if (i % 10_000 == 9_999) batch.execute();
                }
                if (n % 10_000 != 0) batch.execute();
            });
        }
    }

    private Start start(Path dir, int n) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        // the child is started the way this process was: the same jar, or the same main class on the class path
        String entry = System.getProperty("sun.java.command", "").split(" ")[0];
        List<String> command = new ArrayList<>(List.of(java, heap, "-XX:+UseSerialGC"));
        command.addAll(entry.endsWith(".jar") ? List.of("-jar", entry)
                : List.of("-cp", System.getProperty("java.class.path"), entry));
        command.add("serve");
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SIGHTLINE_DATA_DIR", dir.toString());
        pb.environment().put("SIGHTLINE_HTTP_PORT", Integer.toString(port));
        pb.environment().put("SIGHTLINE_HTTP_HOST", "127.0.0.1");
        Path log = dir.resolve("serve.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            long health = -1, ready = -1;
            long deadline = t0 + Duration.ofMinutes(5).toNanos();
            while (ready < 0 && System.nanoTime() < deadline) {
                if (!p.isAlive()) throw new IllegalStateException("serve exited: see " + log);
                if (health < 0 && ok(http, port, "/healthz")) health = (System.nanoTime() - t0) / 1_000_000;
                if (health >= 0 && ok(http, port, "/readyz")) ready = (System.nanoTime() - t0) / 1_000_000;
                if (ready < 0) Thread.sleep(10);
            }
            Thread.sleep(2000);
            long rss = rssMb(p.pid());
            Matcher m = LOADED.matcher(Files.readString(log));
            boolean logged = m.find();
            return new Start(n, logged ? m.group(1) : "?", logged ? Long.parseLong(m.group(3)) : -1, health, ready, rss);
        } finally {
            p.destroy(); // SIGTERM: a clean stop, as an operator's
            p.waitFor();
        }
    }

    private static boolean ok(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Resident set size from /proc (Linux), or -1 where there is none. */
    private static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
