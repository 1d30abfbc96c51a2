package org.sightline.ingest.misskey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceService;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** New images on a Misskey instance reach the scan queue through polls of its admin drive listing. */
class MisskeyPollerTest {
    static final String TOKEN = "misskey-moderator-token-42";
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path data;
    final MediaServer media = new MediaServer();
    final FakeDrive misskey = new FakeDrive();
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        misskey.close();
        media.close();
    }

    /**
     * Misskey's {@code admin/drive/files}: checks the token, the limit and the type filter, and pages like
     * Misskey does (after {@code sinceId} oldest first, without it newest first).
     */
    static final class FakeDrive implements AutoCloseable {
        final ObjectMapper json = new ObjectMapper();
        final HttpServer http;
        final ConcurrentSkipListMap<String, ObjectNode> files = new ConcurrentSkipListMap<>();
        final List<JsonNode> requests = new CopyOnWriteArrayList<>();

        FakeDrive() {
            try {
                http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            http.createContext("/api/admin/drive/files", this::list);
            http.start();
        }

        String url() {
            return "http://127.0.0.1:" + http.getAddress().getPort();
        }

        void add(String id, String type, String url, String userId, String username, String host) {
            ObjectNode f = json.createObjectNode().put("id", id).put("type", type).put("url", url)
                    .put("userId", userId).put("isSensitive", false).put("md5", "0".repeat(32));
            f.putObject("user").put("id", userId).put("username", username).put("host", host);
            files.put(id, f);
        }

        private void list(HttpExchange ex) throws IOException {
            try (ex) {
                JsonNode body = json.readTree(ex.getRequestBody().readAllBytes());
                requests.add(body);
                if (!TOKEN.equals(body.path("i").asText())) {
                    send(ex, 403, "{\"error\":{\"message\":\"Authentication failed.\",\"code\":\"AUTHENTICATION_FAILED\","
                            + "\"id\":\"b0a7f5f8-dc2f-4171-b91f-de88ad238e14\"}}");
                    return;
                }
                int limit = body.path("limit").asInt(10);
                if (limit < 1 || limit > 100 || !"image/*".equals(body.path("type").asText())) {
                    send(ex, 400, "{\"error\":{\"code\":\"INVALID_PARAM\"}}");
                    return;
                }
                var matching = files.values().stream().filter(f -> f.get("type").asText().startsWith("image/"));
                String since = body.path("sinceId").asText(null);
                List<ObjectNode> page = since != null
                        ? matching.filter(f -> f.get("id").asText().compareTo(since) > 0).limit(limit).toList()
                        : matching.sorted((a, b) -> b.get("id").asText().compareTo(a.get("id").asText())).limit(limit).toList();
                ArrayNode out = json.createArrayNode();
                page.forEach(out::add);
                send(ex, 200, out.toString());
            }
        }

        private static void send(HttpExchange ex, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    private Instance start(Config extra, String token) {
        server = new TestServer(extra.with("data.dir", data).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 50));
        server.deps.instances().add(new InstanceService.NewInstance("kitty", "misskey", misskey.url(), null, token,
                null, null));
        return server.deps.instances().find("kitty").orElseThrow();
    }

    private int count(String sql) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(25);
        }
    }

    @Test
    void images_uploaded_after_the_first_poll_are_queued_scanned_and_matched() throws Exception {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0), TOKEN);
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                List.of("spam"), null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ,
                List.of("spam"), null, null, null)), "test");
        String bridge = media.put("/files/bridge.jpg", Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        misskey.add("9k0000000a", "image/jpeg", bridge, "u1", "old", null);

        // the first poll only notes where "now" is: what was there before is not rescanned
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(0);
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().cursorId()).isEqualTo("9k0000000a");

        misskey.add("9k0000000b", "image/jpeg", bridge, "u2", "alice", null);
        misskey.add("9k0000000c", "video/mp4", media.url("/files/clip.mp4"), "u2", "alice", null);
        misskey.add("9k0000000d", "image/jpeg", media.put("/files/other.jpg",
                Webhooks.resource("/pdq/images/misc-images/small.jpg")), "u3", "bob", "remote.example");
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(2);

        await("both images scanned", () -> count("SELECT COUNT(*) FROM media WHERE state = 'done'") == 2);
        Map<String, Object> alice = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT origin, attachment_id, account_id, acct, decision FROM media WHERE attachment_id = '9k0000000b'")
                .mapToMap().one());
        assertThat(alice).containsEntry("origin", "misskey").containsEntry("account_id", "u2")
                .containsEntry("acct", "alice").containsEntry("decision", "review");
        assertThat(count("SELECT COUNT(*) FROM media WHERE acct = 'bob@remote.example'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);

        // nothing new: nothing queued twice, and the poll counts as the instance's last verified contact
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(0);
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(2);
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().filesQueued()).isEqualTo(2);
        assertThat(server.deps.instances().lastEventAt(kitty)).isPresent();
        assertThat(misskey.requests).allSatisfy(r -> assertThat(r.path("origin").asText()).isEqualTo("local"));
    }

    @Test
    void a_backlog_is_read_page_by_page_and_the_next_round_resumes_after_it() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0).with("ingest.workers", 0)
                .with("misskey.max_pages", 2), TOKEN);
        server.deps.misskeyPolls().poll(kitty, true); // empty instance: start from its first image
        for (int i = 0; i < 250; i++) {
            misskey.add(String.format("9k%08d", i), "image/png", "https://files.example/" + i + ".png", "u" + i,
                    "user" + i, null);
        }
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(200);
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().cursorId()).isEqualTo("9k00000199");
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(50);
        assertThat(count("SELECT COUNT(DISTINCT attachment_id) FROM media")).isEqualTo(250);
    }

    @Test
    void a_refused_token_is_shown_to_the_admin_without_the_token_and_nothing_is_queued() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0), "not-the-token");
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(0);
        MisskeyPoller.PollState state = server.deps.misskeyPolls().state(kitty).orElseThrow();
        assertThat(state.lastError()).isEqualTo(
                "admin/drive/files answered HTTP 403 AUTHENTICATION_FAILED: the API token is not valid");
        assertThat(state.errorAt()).isNotNull();
        assertThat(state.cursorId()).isNull();
        assertThat(count("SELECT COUNT(*) FROM media")).isZero();
    }

    @Test
    void a_poll_is_not_repeated_before_it_is_due() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 60), TOKEN);
        assertThat(server.deps.misskeyPolls().poll(kitty, false)).isPresent();
        assertThat(server.deps.misskeyPolls().poll(kitty, false)).isEmpty();
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).isPresent();
        assertThat(misskey.requests).hasSize(2);
    }

    @Test
    void the_schedule_polls_instances_by_itself() throws Exception {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 1), TOKEN);
        await("first poll", () -> server.deps.misskeyPolls().state(kitty).map(s -> s.polledAt() != null).orElse(false));
        misskey.add("9k0000000z", "image/jpeg", media.put("/files/late.jpg",
                Webhooks.resource("/pdq/images/bridge-mods/square-256x256.jpg")), "u9", "late", null);
        await("the new image scanned", () -> count("SELECT COUNT(*) FROM media WHERE state = 'done'") == 1);
    }
}
