package org.sightline.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.actions.builtin.WebhookAction;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Decisions carried out on a fake Mastodon, a webhook receiver and the quarantine store. */
class ActionsTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path data;
    final FakeMastodon mastodon = new FakeMastodon();
    final MediaServer media = new MediaServer();
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        media.close();
        mastodon.close();
    }

    private TestServer start(Config extra, String bankPolicy, List<String> labels) {
        server = new TestServer(extra.with("data.dir", data).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 50).with("actions.backoff_ms", 100));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(),
                Webhooks.SECRET, FakeMastodon.TOKEN, null, null, null));
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", bankPolicy, "enforce", labels,
                null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ, labels,
                "PRIVATE NOTE never to be sent", null, null)), "test");
        return server;
    }

    private static byte[] image(String path) {
        return Webhooks.resource("/pdq/images/" + path);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(25);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private long postBridge(String statusId) throws InterruptedException {
        String url = media.put("/bridge-" + statusId + ".jpg", image("bridge-mods/aaa-orig.jpg"));
        assertThat(Webhooks.post(server, "social", Webhooks.status("status.created", statusId, "att" + statusId, url),
                Webhooks.SECRET).status()).isEqualTo(202);
        await("media scanned", () -> count("SELECT COUNT(*) FROM media_overview WHERE state = 'done' AND status_id = '" + statusId + "'") == 1);
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM media WHERE status_id = :s")
                .bind("s", statusId).mapTo(Long.class).one());
    }

    private int count(String sql) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private String requestState(long mediaId, String action) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT state FROM action_requests WHERE media_id = :m AND action = :a").bind("m", mediaId)
                .bind("a", action).mapTo(String.class).findOne().orElse("none"));
    }

    @Test
    void a_moderator_forwards_a_report_about_a_remote_account_to_its_server_and_only_then() throws Exception {
        start(Config.defaults(), "review", List.of("spam"));
        String url = media.put("/bridge-remote.jpg", image("bridge-mods/aaa-orig.jpg"));
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(Webhooks.status("status.created", "5301", "att5301", url));
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("object").get("account")).put("acct", "troll@elsewhere.example");
        assertThat(Webhooks.post(server, "social", new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(root),
                Webhooks.SECRET).status()).isEqualTo(202);
        long localMedia = postBridge("5302");
        await("media scanned", () -> count("SELECT COUNT(*) FROM media_overview WHERE state = 'done' AND status_id = '5301'") == 1);
        String moderator = server.token("bot", Scope.REVIEW);
        long remoteCase = caseOfStatus("5301");
        long localCase = caseOfStatus("5302");

        // the author is local: nothing to forward to
        TestServer.Response refused = server.postJson("/api/v1/cases/" + localCase + "/decision", moderator,
                "{\"decision\": \"confirm\", \"labels\": [\"spam\"], \"actions\": [\"report\"], \"forward\": true}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("only a report about a remote account can be forwarded");

        TestServer.Response confirmed = server.postJson("/api/v1/cases/" + remoteCase + "/decision", moderator,
                "{\"decision\": \"confirm\", \"labels\": [\"spam\"], \"actions\": [\"report\"], \"forward\": true}");
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        long remoteMedia = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM media WHERE status_id = '5301'")
                .mapTo(Long.class).one());
        await("report done", () -> requestState(remoteMedia, "report").equals("done"));
        assertThat(mastodon.calls("/api/v1/reports")).singleElement().satisfies(r -> {
            assertThat(r.one("forward")).isEqualTo("true");
            assertThat(r.form().get("status_ids[]")).containsExactly("5301");
        });

        // without the choice a report stays on this server
        assertThat(server.postJson("/api/v1/cases/" + localCase + "/decision", moderator,
                "{\"decision\": \"confirm\", \"labels\": [\"spam\"], \"actions\": [\"report\"]}").status()).isEqualTo(200);
        await("second report done", () -> requestState(localMedia, "report").equals("done"));
        assertThat(mastodon.calls("/api/v1/reports")).hasSize(2);
        assertThat(mastodon.calls("/api/v1/reports").get(1).one("forward")).isEqualTo("false");
    }

    private long caseOfStatus(String statusId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT c.id FROM cases c JOIN media m ON m.id = c.media_id WHERE m.status_id = :s")
                .bind("s", statusId).mapTo(Long.class).one());
    }

    @Test
    void a_report_policy_match_files_exactly_one_report_with_the_right_fields() throws Exception {
        start(Config.defaults(), "report", List.of("csam"));
        long mediaId = postBridge("5001");
        await("report done", () -> requestState(mediaId, "report").equals("done"));
        List<FakeMastodon.Call> reports = mastodon.calls("/api/v1/reports");
        assertThat(reports).hasSize(1);
        FakeMastodon.Call r = reports.get(0);
        assertThat(r.one("category")).isEqualTo("legal");
        assertThat(r.form().get("status_ids[]")).containsExactly("5001");
        assertThat(r.one("account_id")).isNotBlank();
        assertThat(r.one("forward")).isEqualTo("false");
        assertThat(r.one("comment")).contains("known-bad").contains("distance 0").doesNotContain("PRIVATE NOTE");
        // no account action unless someone chooses one
        assertThat(mastodon.calls("/api/v1/admin")).isEmpty();
        JsonNode doc = server.get("/api/v1/media/" + mediaId, server.token("reader", Scope.SCAN)).json();
        assertThat(doc.get("actions").get(0).get("state").asText()).isEqualTo("done");
    }

    @Test
    void an_account_action_happens_only_when_chosen() throws Exception {
        start(Config.defaults(), "review", List.of("spam"));
        long mediaId = postBridge("5002");
        Thread.sleep(300);
        assertThat(mastodon.calls).isEmpty();
        String admin = server.token("admin", Scope.ADMIN);
        TestServer.Response r = server.postJson("/api/v1/media/" + mediaId + "/actions", admin,
                "{\"action\":\"account_action\",\"params\":{\"type\":\"suspend\",\"text\":\"matched known-bad\"}}");
        assertThat(r.status()).isEqualTo(202);
        await("account action done", () -> requestState(mediaId, "account_action").equals("done"));
        List<FakeMastodon.Call> calls = mastodon.calls("/api/v1/admin/accounts/");
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).one("type")).isEqualTo("suspend");
        assertThat(calls.get(0).one("text")).isEqualTo("matched known-bad");
        assertThat(server.postJson("/api/v1/media/" + mediaId + "/actions", admin,
                "{\"action\":\"account_action\",\"params\":{\"type\":\"obliterate\"}}").status()).isEqualTo(400);
    }

    @Test
    void a_5xx_is_retried_and_succeeds() throws Exception {
        start(Config.defaults(), "report", List.of("spam"));
        mastodon.failNext(503);
        long mediaId = postBridge("5003");
        await("report done", () -> requestState(mediaId, "report").equals("done"));
        assertThat(mastodon.calls("/api/v1/reports")).hasSize(2);
        assertThat(count("SELECT attempts FROM action_requests WHERE media_id = " + mediaId)).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM action_attempts")).isEqualTo(2);
        // each attempt and its outcome is in the hash-chained audit log
        assertThat(server.deps.audit().search("", "action_retry", "", Long.MAX_VALUE, 10)).hasSize(1);
        assertThat(server.deps.audit().search("", "action_done", "", Long.MAX_VALUE, 10)).hasSize(1);
    }

    @Test
    void a_4xx_is_recorded_as_failed_with_the_reason() throws Exception {
        start(Config.defaults(), "report", List.of("spam"));
        mastodon.failNext(422);
        long mediaId = postBridge("5004");
        await("report failed", () -> requestState(mediaId, "report").equals("failed"));
        assertThat(mastodon.calls("/api/v1/reports")).hasSize(1);
        JsonNode action = server.get("/api/v1/media/" + mediaId, server.token("reader", Scope.SCAN)).json().get("actions").get(0);
        assertThat(action.get("state").asText()).isEqualTo("failed");
        assertThat(action.get("result").asText()).contains("HTTP 422");
    }

    @Test
    void the_echo_of_our_own_report_opens_no_case() throws Exception {
        start(Config.defaults(), "report", List.of("spam"));
        long mediaId = postBridge("5005");
        await("report done", () -> requestState(mediaId, "report").equals("done"));
        int cases = count("SELECT COUNT(*) FROM cases");
        // the instance re-renders the status after the report: an update with a new media URL
        String again = media.put("/bridge-5005-v2.jpg", image("bridge-mods/aaa-orig.jpg"));
        byte[] update = Webhooks.status("status.updated", "5005", "att5005b", again);
        assertThat(Webhooks.post(server, "social", update, Webhooks.SECRET).json().get("queued").asInt()).isZero();
        // the report Sightline filed comes back as report.created, with the id the instance gave it
        String ours = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT remote_id FROM action_requests WHERE media_id = :m").bind("m", mediaId).mapTo(String.class).one());
        assertThat(ours).isNotBlank();
        byte[] reportEcho = Webhooks.report(ours, "5005", "att5005", media.url("/bridge-5005.jpg"));
        Webhooks.post(server, "social", reportEcho, Webhooks.SECRET);
        assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(cases);
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(1);
        assertThat(count("SELECT report_count FROM media WHERE id = " + mediaId)).isZero();

        // the echo told which account Sightline reports as: another report by it (its answer lost) is not counted
        Webhooks.post(server, "social", Webhooks.report("r-again", "5005", "att5005", media.url("/bridge-5005.jpg")),
                Webhooks.SECRET);
        assertThat(count("SELECT report_count FROM media WHERE id = " + mediaId)).isZero();

        // someone else reporting the same post minutes later is not an echo: it counts, on the same case
        byte[] genuine = Webhooks.report("r-genuine", "987654", "5005", "att5005", media.url("/bridge-5005.jpg"));
        Webhooks.post(server, "social", genuine, Webhooks.SECRET);
        assertThat(count("SELECT report_count FROM media WHERE id = " + mediaId)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(cases);
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(1);
    }

    @Test
    void the_echo_of_a_report_still_being_filed_is_not_counted() throws Exception {
        start(Config.defaults(), "report", List.of("spam"));
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        mastodon.holdNext(arrived, gate);
        String url = media.put("/bridge-5006.jpg", image("bridge-mods/aaa-orig.jpg"));
        assertThat(Webhooks.post(server, "social", Webhooks.status("status.created", "5006", "att5006", url),
                Webhooks.SECRET).status()).isEqualTo(202);
        assertThat(arrived.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // the instance has created the report and sends report.created before answering Sightline's call
        Webhooks.post(server, "social", Webhooks.report("r-early", "5006", "att5006", url), Webhooks.SECRET);
        gate.countDown();
        long mediaId = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM media")
                .mapTo(Long.class).one());
        await("report done", () -> requestState(mediaId, "report").equals("done"));
        assertThat(count("SELECT report_count FROM media WHERE id = " + mediaId)).isZero();
    }

    @Test
    void the_webhook_action_signs_what_it_sends() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            List<byte[]> bodies = receiver.bodies;
            List<String> signatures = receiver.signatures;
            String secret = "receiver-secret-0123456789";
            start(Config.defaults().with("plugins.webhook.url", receiver.url())
                    .with("plugins.webhook.secret", secret), "report", List.of("spam"));
            server.deps.instances().add(new InstanceService.NewInstance("forum", "generic", "https://forum.example",
                    null, null, null, null, null));
            // bound to the forum: media it sends may make Sightline act there
            String token = server.deps.tokens().create("scanner", java.util.Set.of(Scope.SCAN), null, "forum", "test").token();
            JsonNode doc = server.postJson("/api/v1/media", token, "{\"image_base64\":\""
                    + Base64.getEncoder().encodeToString(image("bridge-mods/aaa-orig.jpg")) + "\",\"instance\":\"forum\"}").json();
            long mediaId = doc.get("id").asLong();
            await("webhook done", () -> requestState(mediaId, "report").equals("done"));
            assertThat(bodies).hasSize(1);
            assertThat(signatures.get(0)).isEqualTo(WebhookAction.sign(secret, bodies.get(0)));
            String body = new String(bodies.get(0), StandardCharsets.UTF_8);
            assertThat(body).contains("\"action\":\"report\"").contains(BRIDGE_PDQ).doesNotContain("PRIVATE NOTE");
            assertThat(server.get("/api/v1/plugins", server.token("admin", Scope.ADMIN)).body())
                    .contains("\"value\":\"••••••\"").doesNotContain(secret);
        }
    }

    @Test
    void quarantine_round_trips_and_is_refused_to_non_admins() throws Exception {
        start(Config.defaults(), "review", List.of("other"));
        long mediaId = postBridge("5006");
        String admin = server.token("admin", Scope.ADMIN);
        assertThat(server.postJson("/api/v1/media/" + mediaId + "/actions", admin, "{\"action\":\"quarantine\"}").status())
                .isEqualTo(202);
        await("quarantined", () -> requestState(mediaId, "quarantine").equals("done"));
        JsonNode list = server.get("/api/v1/quarantine", admin).json().get("evidence");
        assertThat(list).hasSize(1);
        long id = list.get(0).get("id").asLong();
        TestServer.Response exported = server.get("/api/v1/quarantine/" + id, admin);
        assertThat(exported.status()).as(exported.body()).isEqualTo(200);
        JsonNode export = exported.json();
        byte[] bytes = Base64.getDecoder().decode(export.get("bytes_base64").asText());
        assertThat(bytes).isEqualTo(image("bridge-mods/aaa-orig.jpg"));
        assertThat(export.get("evidence").get("sha256").asText())
                .isEqualTo("b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298");
        assertThat(count("SELECT COUNT(*) FROM quarantine_access")).isEqualTo(1);
        assertThat(server.deps.audit().search("", "quarantine_export", "", Long.MAX_VALUE, 10)).hasSize(1);
        // stored encrypted: the database never holds the plain bytes
        byte[] stored = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT sealed_bytes FROM quarantine")
                .mapTo(byte[].class).one());
        assertThat(new String(stored, StandardCharsets.US_ASCII)).startsWith("v1:")
                .doesNotContain(Base64.getEncoder().encodeToString(bytes).substring(0, 40));
        String moderatorTool = server.token("tool", Scope.SCAN, Scope.MATCH, Scope.BANKS_WRITE);
        assertThat(server.get("/api/v1/quarantine/" + id, moderatorTool).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/quarantine/" + id, null).status()).isEqualTo(401);
    }

    @Test
    void quarantined_evidence_past_its_retention_is_deleted_by_the_schedule_and_audited() throws Exception {
        start(Config.defaults().with("quarantine.retention_days", 0).with("quarantine.purge_interval_s", 1), "review",
                List.of("other"));
        long mediaId = postBridge("5007");
        String admin = server.token("admin", Scope.ADMIN);
        assertThat(server.postJson("/api/v1/media/" + mediaId + "/actions", admin, "{\"action\":\"quarantine\"}").status())
                .isEqualTo(202);
        await("quarantined", () -> requestState(mediaId, "quarantine").equals("done"));
        // nobody lists or exports it: the schedule alone deletes it
        await("purged", () -> count("SELECT COUNT(*) FROM quarantine") == 0);
        assertThat(server.deps.audit().search("", "quarantine_purge", "", Long.MAX_VALUE, 10)).isNotEmpty();
    }

    @Test
    void a_classifier_flag_sends_media_to_review_and_its_failure_does_too() throws Exception {
        List<Integer> statuses = new CopyOnWriteArrayList<>(List.of(200, 500));
        HttpServer classifier = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        classifier.createContext("/classify", ex -> {
            ex.getRequestBody().readAllBytes();
            int status = statuses.isEmpty() ? 200 : statuses.remove(0);
            byte[] b = "{\"score\": 0.93}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        classifier.start();
        try {
            start(Config.defaults().with("plugins.http_classifier.url",
                    "http://127.0.0.1:" + classifier.getAddress().getPort() + "/classify"), "review", List.of("other"));
            String token = server.token("scanner", Scope.SCAN);
            String clean = Base64.getEncoder().encodeToString(image("misc-images/c.png"));
            JsonNode flagged = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + clean + "\"}").json();
            assertThat(flagged.get("decision").asText()).isEqualTo("review");
            JsonNode failed = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + clean + "\"}").json();
            assertThat(failed.get("decision").asText()).isEqualTo("review");
            assertThat(count("SELECT COUNT(*) FROM cases WHERE reason LIKE 'classifier: sexual 0.93%'")).isEqualTo(1);
            assertThat(count("SELECT COUNT(*) FROM cases WHERE reason LIKE 'scanner failed: http_classifier%'")).isEqualTo(1);
            assertThat(server.get("/metrics", null).body()).contains("sightline_scanner_failures_total{scanner=\"http_classifier\"} 1.0");
        } finally {
            classifier.stop(0);
        }
    }
}
