package org.sightline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A real server, a local stand-in for the instance's media storage, and signed webhooks. */
class IngestEndToEndTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path data;
    MediaServer media;
    TestServer server;
    String token;

    @BeforeEach
    void start() {
        media = new MediaServer();
        server = new TestServer(Config.defaults().with("data.dir", data)
                .with("fetch.allow_private_addresses", true).with("ingest.poll_ms", 50)
                .with("fetch.timeout_ms", 2000));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://mastodon.example",
                Webhooks.SECRET, null, null, null, null));
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                List.of("other"), null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ,
                List.of("other"), "test entry", null, null)), "test");
        token = server.token("scanner", Scope.SCAN);
    }

    @AfterEach
    void stop() {
        server.close();
        media.close();
    }

    static byte[] image(String path) {
        return Webhooks.resource("/pdq/images/" + path);
    }

    /** Polls the scan API until every media item of the status is done. */
    JsonNode awaitStatus(String statusId, int expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            JsonNode list = server.get("/api/v1/media?instance=social&status=" + statusId, token).json().get("media");
            boolean done = list.size() == expected;
            for (JsonNode m : list) done &= m.get("state").asText().equals("done");
            if (done) return list;
            Thread.sleep(50);
        }
        throw new AssertionError("media of status " + statusId + " not processed in time");
    }

    @Test
    void webhook_media_is_hashed_matched_and_queued_for_review() throws Exception {
        String url = media.put("/files/bridge.jpg", image("bridge-mods/aaa-orig.jpg"));
        TestServer.Response answer = Webhooks.post(server, "social", Webhooks.status("status.created", "1001", "a1", url),
                Webhooks.SECRET);
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().get("queued").asInt()).isEqualTo(1);

        JsonNode m = awaitStatus("1001", 1).get(0);
        assertThat(m.get("outcome").asText()).isEqualTo("scanned");
        assertThat(m.get("signals").get("pdq").asText()).isEqualTo(BRIDGE_PDQ);
        assertThat(m.get("signals").get("sha256").asText())
                .isEqualTo("b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298");
        assertThat(m.get("matches").get(0).get("bank").asText()).isEqualTo("known-bad");
        assertThat(m.get("matches").get(0).get("distance").asInt()).isZero();
        assertThat(m.get("decision").asText()).isEqualTo("review");
        assertThat(count("SELECT COUNT(*) FROM cases WHERE media_id = " + m.get("id").asLong())).isEqualTo(1);
    }

    @Test
    void a_rotated_copy_matches_through_the_dihedral_variants() throws Exception {
        String url = media.put("/files/rotated.jpg", image("dih/bridge-2-rotate-90.jpg"));
        Webhooks.post(server, "social", Webhooks.status("status.created", "1002", "a2", url), Webhooks.SECRET);
        JsonNode m = awaitStatus("1002", 1).get(0);
        JsonNode match = m.get("matches").get(0);
        assertThat(match.get("bank").asText()).isEqualTo("known-bad");
        assertThat(match.get("variant").asText()).isNotEqualTo("original");
        assertThat(match.get("distance").asInt()).isLessThanOrEqualTo(31);
        assertThat(m.get("decision").asText()).isEqualTo("review");
    }

    @Test
    void unmatched_media_passes_without_a_case() throws Exception {
        String url = media.put("/files/c.png", image("misc-images/c.png"));
        Webhooks.post(server, "social", Webhooks.status("status.created", "1003", "a3", url), Webhooks.SECRET);
        JsonNode m = awaitStatus("1003", 1).get(0);
        assertThat(m.get("decision").asText()).isEqualTo("pass");
        assertThat(m.get("matches")).isEmpty();
    }

    @Test
    void a_duplicate_delivery_creates_nothing_new() throws Exception {
        String url = media.put("/files/bridge.jpg", image("bridge-mods/aaa-orig.jpg"));
        byte[] body = Webhooks.status("status.created", "1004", "a4", url);
        assertThat(Webhooks.post(server, "social", body, Webhooks.SECRET).status()).isEqualTo(202);
        awaitStatus("1004", 1);
        TestServer.Response again = Webhooks.post(server, "social", body, Webhooks.SECRET);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("result").asText()).isEqualTo("duplicate");
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
        assertThat(media.requests.get()).isEqualTo(1);
    }

    @Test
    void an_edit_scans_only_new_or_changed_media() throws Exception {
        String first = media.put("/files/bridge.jpg", image("bridge-mods/aaa-orig.jpg"));
        Webhooks.post(server, "social", Webhooks.status("status.created", "1005", "a5", first), Webhooks.SECRET);
        awaitStatus("1005", 1);
        // the same attachment, edited text only: nothing to scan
        byte[] sameMedia = Webhooks.status("status.updated", "1005", "a5", first);
        TestServer.Response unchanged = Webhooks.post(server, "social", withEditedAt(sameMedia, "2024-05-01T11:00:00Z"),
                Webhooks.SECRET);
        assertThat(unchanged.json().get("queued").asInt()).isZero();
        // a new file under a new attachment: scanned
        String second = media.put("/files/c.png", image("misc-images/c.png"));
        TestServer.Response changed = Webhooks.post(server, "social",
                withEditedAt(Webhooks.status("status.updated", "1005", "a6", second), "2024-05-01T12:00:00Z"), Webhooks.SECRET);
        assertThat(changed.json().get("queued").asInt()).isEqualTo(1);
        awaitStatus("1005", 2);
    }

    private static byte[] withEditedAt(byte[] body, String editedAt) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(body);
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("object")).put("edited_at", editedAt);
        return json.writeValueAsBytes(root);
    }

    @Test
    void unreachable_media_goes_to_review_with_the_reason() throws Exception {
        String url = media.url("/files/missing.jpg");
        Webhooks.post(server, "social", Webhooks.status("status.created", "1006", "a7", url), Webhooks.SECRET);
        JsonNode m = awaitStatus("1006", 1).get(0);
        assertThat(m.get("outcome").asText()).isEqualTo("gone");
        assertThat(m.get("decision").asText()).isEqualTo("review");
        assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
    }

    @Test
    void a_report_queues_the_reported_media_with_priority_and_a_later_report_raises_it() throws Exception {
        String url = media.put("/files/bridge.jpg", image("bridge-mods/aaa-orig.jpg"));
        TestServer.Response first = Webhooks.post(server, "social", Webhooks.report("r1", "1007", "a8", url), Webhooks.SECRET);
        assertThat(first.status()).isEqualTo(202);
        JsonNode m = awaitStatus("1007", 1).get(0);
        assertThat(m.get("decision").asText()).isEqualTo("review");
        int before = count("SELECT priority FROM cases WHERE media_id = " + m.get("id").asLong());
        assertThat(count("SELECT report_count FROM media WHERE id = " + m.get("id").asLong())).isEqualTo(1);

        Webhooks.post(server, "social", Webhooks.report("r2", "1007", "a8", url), Webhooks.SECRET);
        assertThat(count("SELECT report_count FROM media WHERE id = " + m.get("id").asLong())).isEqualTo(2);
        assertThat(count("SELECT priority FROM cases WHERE media_id = " + m.get("id").asLong())).isGreaterThan(before);
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(1);
        // the report bodies' emails and IPs are nowhere in the database
        String dump = server.deps.database().jdbi().withHandle(h -> String.join("|", h.createQuery(
                "SELECT COALESCE(report_comment, '') || COALESCE(acct, '') || COALESCE(metadata, '') FROM media")
                .mapTo(String.class).list()));
        assertThat(dump).doesNotContain("bobisaburger").doesNotContain("12.34.56.78").contains("please look at this");
    }

    private int count(String sql) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }
}
