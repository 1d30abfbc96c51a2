package org.sightline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.Main;
import org.sightline.config.SecretBox;
import org.sightline.ingest.mastodon.WebhookSignature;
import org.sightline.store.TestDatabases;

import java.io.IOException;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing acknowledged is lost when the server process dies: real server JVMs (the test class path,
 * {@code org.sightline.Main serve}) take signed Mastodon webhooks from a few threads while the test kills one
 * of them with SIGKILL at random moments and restarts it on the same data. At the end every delivery that was
 * answered 202 must be there exactly once: its media listed once by the scan API, and a re-delivery answered
 * "duplicate" (200).
 * <p>
 * The normal suite runs a reduced version (3 kills, bounded to about a minute per database). The full one (10
 * kills, 3–8 s between kills, 6 senders: one to several thousand deliveries) runs with
 * {@code mvn -B -q test -Dtest=DurabilityTest -Ddurability.full=true}.
 * Each run prints its figures on one line starting with {@code durability[}.
 */
class DurabilityTest {
    private static final boolean FULL = Boolean.getBoolean("durability.full");
    private static final int KILLS = FULL ? 10 : 3;
    private static final int SENDERS = FULL ? 6 : 3;
    private static final int MAX_DELIVERIES = FULL ? 20_000 : 3_000;
    // a restarted node's first requests meet a cold JVM (seconds on a busy machine): each life lasts long enough
    // that acknowledged deliveries, not only requests cut off by the kill, are what the test checks
    private static final long MIN_UP_MS = FULL ? 3_000 : 2_000;
    private static final long MAX_UP_MS = FULL ? 8_000 : 4_000;
    private static final Duration LOAD_BUDGET = FULL ? Duration.ofMinutes(8) : Duration.ofSeconds(35);
    private static final Duration DRAIN_BUDGET = FULL ? Duration.ofMinutes(5) : Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("Sightline listening on (http://127\\.0\\.0\\.1:\\d+)");

    private static final int NOT_SENT = 0, ACKED = 1, UNKNOWN = 2, DUPLICATE_DURING_LOAD = 3, OTHER = 4;

    @TempDir
    Path tmp;
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private MediaServer media;
    private String pgUrl;

    @AfterEach
    void stopEverything() {
        for (Node n : nodes) n.kill();
        if (media != null) media.close();
        if (pgUrl != null) TestDatabases.dropPostgresSchema(pgUrl);
    }

    @Test
    void nothing_acknowledged_is_lost_on_the_embedded_h2_default() throws Exception {
        Path data = tmp.resolve("h2-data");
        Map<String, String> env = baseEnv(data);
        String token = prepare(env);
        Node node = new Node("h2", env);
        run("h2", token, List.of(node), node);
    }

    @Test
    void nothing_acknowledged_is_lost_on_postgresql() throws Exception {
        pgUrl = TestDatabases.createPostgresSchema();
        Map<String, String> env = baseEnv(tmp.resolve("pg-data"));
        env.put("SIGHTLINE_DB_URL", pgUrl);
        env.put("SIGHTLINE_DB_USER", TestDatabases.PG_USER);
        String token = prepare(env);
        Node node = new Node("pg", env);
        run("postgresql", token, List.of(node), node);
    }

    @Test
    void nothing_acknowledged_is_lost_when_one_of_two_nodes_sharing_postgresql_is_killed() throws Exception {
        pgUrl = TestDatabases.createPostgresSchema();
        Map<String, String> envA = baseEnv(tmp.resolve("node-a"));
        envA.put("SIGHTLINE_DB_URL", pgUrl);
        envA.put("SIGHTLINE_DB_USER", TestDatabases.PG_USER);
        String token = prepare(envA);
        // the second node opens the instance's sealed webhook secret with the same key
        Path dirB = tmp.resolve("node-b");
        Files.createDirectories(dirB);
        Files.copy(tmp.resolve("node-a").resolve(SecretBox.KEY_FILE), dirB.resolve(SecretBox.KEY_FILE));
        Map<String, String> envB = new HashMap<>(envA);
        envB.put("SIGHTLINE_DATA_DIR", dirB.toString());
        Node a = new Node("pg-a", envA);
        Node b = new Node("pg-b", envB);
        run("two nodes", token, List.of(a, b), a);
    }

    private Map<String, String> baseEnv(Path dataDir) {
        if (media == null) {
            media = new MediaServer();
            media.put("/wee.jpg", IngestEndToEndTest.image("misc-images/wee.jpg"));
        }
        Map<String, String> env = new HashMap<>();
        env.put("SIGHTLINE_DATA_DIR", dataDir.toString());
        env.put("SIGHTLINE_HTTP_HOST", "127.0.0.1");
        env.put("SIGHTLINE_HTTP_PORT", "0");
        env.put("SIGHTLINE_FETCH_ALLOW_PRIVATE_ADDRESSES", "true");
        env.put("SIGHTLINE_INGEST_POLL_MS", "50");
        env.put("SIGHTLINE_CLASSIFIER_LOCAL_ENABLED", "false"); // durability, not classification: the drain stays quick
        // media claimed by a killed node is taken over soon after
        env.put("SIGHTLINE_INGEST_LEASE_MS", "3000");
        env.put("SIGHTLINE_INGEST_WORKERS", "2");
        return env;
    }

    /** Adds the instance and a scan token on the command line, before any server runs; returns the token. */
    private static String prepare(Map<String, String> env) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Main.run(new String[]{"instance", "add", "social", "--kind", "mastodon", "--url", "https://m.example",
                "--webhook-secret", Webhooks.SECRET}, env, new PrintWriter(out), new PrintWriter(err))).as(err.toString()).isZero();
        out.getBuffer().setLength(0);
        assertThat(Main.run(new String[]{"token", "create", "durability", "--scopes", "scan"}, env,
                new PrintWriter(out), new PrintWriter(err))).as(err.toString()).isZero();
        return out.toString().trim();
    }

    private static String statusId(int i) {
        return String.valueOf(1_000_000 + i);
    }

    private byte[] delivery(int i) {
        return Webhooks.status("status.created", statusId(i), "a" + i, media.url("/wee.jpg"));
    }

    private HttpResponse<String> post(String base, byte[] body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/hooks/mastodon/social"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(WebhookSignature.HEADER, WebhookSignature.sign(Webhooks.SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private void run(String label, String token, List<Node> all, Node victim) throws Exception {
        nodes.addAll(all);
        for (Node n : all) n.start();
        AtomicIntegerArray outcome = new AtomicIntegerArray(MAX_DELIVERIES);
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            Thread th = new Thread(() -> send(all, next, outcome, stop), "durability-sender-" + t);
            th.setDaemon(true);
            senders.add(th);
            th.start();
        }
        int kills = 0;
        long loadStart = System.nanoTime();
        long loadDeadline = loadStart + LOAD_BUDGET.toNanos();
        try {
            while (kills < KILLS && System.nanoTime() < loadDeadline && next.get() < MAX_DELIVERIES) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(MIN_UP_MS, MAX_UP_MS + 1));
                victim.kill();
                kills++;
                Thread.sleep(ThreadLocalRandom.current().nextLong(0, 200));
                victim.start();
            }
            Thread.sleep(MIN_UP_MS); // some load on the restarted node too
        } finally {
            stop.set(true);
            for (Thread th : senders) th.join(15_000);
        }
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        int sent = Math.min(next.get(), MAX_DELIVERIES);
        List<Integer> acked = new ArrayList<>();
        List<Integer> duplicateDuringLoad = new ArrayList<>();
        int unknown = 0, other = 0;
        for (int i = 0; i < sent; i++) {
            switch (outcome.get(i)) {
                case ACKED -> acked.add(i);
                case UNKNOWN -> unknown++;
                case DUPLICATE_DURING_LOAD -> duplicateDuringLoad.add(i);
                case OTHER -> other++;
                default -> { }
            }
        }

        // Every acknowledged delivery's media is there exactly once, and every one is processed.
        Node reader = all.get(all.size() - 1);
        long drainStart = System.nanoTime();
        long drainDeadline = drainStart + DRAIN_BUDGET.toNanos();
        // a first delivery answered "duplicate" (200) claims it is stored already: it must be, too
        List<Integer> pending = new ArrayList<>(acked);
        pending.addAll(duplicateDuringLoad);
        List<Integer> lost = new ArrayList<>();
        List<Integer> duplicated = new ArrayList<>();
        while (!pending.isEmpty() && System.nanoTime() < drainDeadline) {
            List<Integer> still = new ArrayList<>();
            for (int i : pending) {
                JsonNode list = mediaOf(reader, token, statusId(i));
                if (list.size() == 0) lost.add(i);
                else if (list.size() > 1) duplicated.add(i);
                else if (!"done".equals(list.get(0).path("state").asText())) still.add(i);
            }
            pending = still;
            if (!pending.isEmpty()) Thread.sleep(100);
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;

        // A re-delivery of an acknowledged webhook is a duplicate; of an unanswered one, either.
        int redeliveredTwice = 0, unknownPersisted = 0;
        for (int i = 0; i < sent; i++) {
            int o = outcome.get(i);
            if (o == NOT_SENT) continue;
            Node to = all.get(i % all.size());
            HttpResponse<String> r = to.postOrDumpThreads(delivery(i));
            if ((o == ACKED || o == DUPLICATE_DURING_LOAD)
                    && (r.statusCode() != 200 || !r.body().contains("duplicate"))) redeliveredTwice++;
            if (o == UNKNOWN && r.statusCode() == 200) unknownPersisted++;
        }

        String figures = String.format(Locale.ROOT, "durability[%s%s]: deliveries=%d kills=%d acknowledged=%d "
                        + "unanswered=%d (of which persisted=%d) other=%d lost=%d duplicated=%d "
                        + "acked-twice=%d duplicate-during-load=%d load=%.1fs drain=%.2fs undrained=%d",
                label, FULL ? ", full" : "", sent, kills, acked.size(), unknown, unknownPersisted, other, lost.size(),
                duplicated.size(), redeliveredTwice, duplicateDuringLoad.size(), loadSeconds, drainSeconds, pending.size());
        System.out.println(figures);
        Files.writeString(Path.of("target").resolve("durability-" + label.replace(' ', '-') + ".txt"),
                figures + "\n", StandardCharsets.UTF_8);

        // on a slow, shared machine the time bound may end the load before every planned kill
        assertThat(kills).as(figures).isPositive();
        assertThat(acked).as(figures).isNotEmpty();
        assertThat(lost).as("acknowledged deliveries lost; " + figures).isEmpty();
        assertThat(duplicated).as("acknowledged deliveries stored twice; " + figures).isEmpty();
        assertThat(redeliveredTwice).as(figures).isZero();
        assertThat(duplicateDuringLoad).as("first deliveries answered duplicate; " + figures).isEmpty();
        assertThat(pending).as("media not processed in time; " + figures).isEmpty();
    }

    private void send(List<Node> all, AtomicInteger next, AtomicIntegerArray outcome, AtomicBoolean stop) {
        SplittableRandom rnd = new SplittableRandom();
        while (!stop.get()) {
            Node target = all.get(rnd.nextInt(all.size()));
            String base = target.baseOrNull();
            if (base == null) {
                pause(20);
                continue;
            }
            int i = next.getAndIncrement();
            if (i >= MAX_DELIVERIES) return;
            try {
                HttpResponse<String> r = post(base, delivery(i), Duration.ofSeconds(10));
                outcome.set(i, r.statusCode() == 202 ? ACKED : r.statusCode() == 200 ? DUPLICATE_DURING_LOAD : OTHER);
            } catch (IOException e) {
                outcome.set(i, UNKNOWN); // the node died (or was dying) with the request in flight
                pause(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode mediaOf(Node node, String token, String status) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/media?instance=social&status=" + status))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return json.readTree(resp.body()).path("media");
    }

    /** One server JVM, started again on the same data after each kill. */
    private final class Node {
        private final String name;
        private final Map<String, String> env;
        private volatile Process process;
        private volatile String base;
        private int starts;

        Node(String name, Map<String, String> env) {
            this.name = name;
            this.env = new LinkedHashMap<>(env);
        }

        void start() throws Exception {
            // kept in target/ to read after a failure
            Path log = Files.createDirectories(Path.of("target", "durability-logs")).resolve(name + "-" + (++starts) + ".log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", System.getProperty("java.class.path"),
                    "org.sightline.Main", "serve");
            pb.environment().keySet().removeIf(k -> k.startsWith("SIGHTLINE_"));
            pb.environment().putAll(env);
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process p = pb.start();
            process = p;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
                Matcher m = LISTENING.matcher(text);
                if (m.find()) {
                    base = m.group(1);
                    return;
                }
                if (!p.isAlive()) throw new AssertionError(name + " exited at start:\n" + tail(text));
                Thread.sleep(20);
            }
            throw new AssertionError(name + " did not start within 60 s:\n" + tail(Files.readString(log)));
        }

        /** SIGKILL (destroyForcibly on Linux): no shutdown hook runs. */
        void kill() {
            base = null;
            Process p = process;
            if (p == null) return;
            p.destroyForcibly();
            try {
                p.waitFor(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }

        /**
         * Posts to this node. The check is of durability, not latency (bench ingest measures that), so a node just
         * restarted on a loaded machine gets 30 s; one that does not answer even then leaves its threads' stacks
         * beside its log, so that a hang explains itself.
         */
        HttpResponse<String> postOrDumpThreads(byte[] body) throws IOException, InterruptedException {
            try {
                return post(base(), body, Duration.ofSeconds(30));
            } catch (java.net.http.HttpTimeoutException e) {
                Process p = process;
                Path dump = Path.of("target", "durability-logs", name + "-" + starts + "-threads.txt");
                if (p != null) {
                    new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                            String.valueOf(p.pid()), "Thread.print").redirectErrorStream(true)
                            .redirectOutput(dump.toFile()).start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                }
                throw new AssertionError(name + " did not answer a re-delivery within 30 s; its threads: " + dump, e);
            }
        }

        String baseOrNull() {
            return base;
        }

        String base() {
            String b = base;
            if (b == null) throw new AssertionError(name + " is not running");
            return b;
        }

        private String tail(String text) {
            return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
        }
    }
}
