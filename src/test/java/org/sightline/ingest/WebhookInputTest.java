package org.sightline.ingest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.config.Config;
import org.sightline.ingest.mastodon.WebhookSignature;
import org.sightline.instances.InstanceService;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook's door: signatures, duplicates and bad input. No workers run, so nothing leaves the machine. */
class WebhookInputTest {
    static final String FIXTURE_SECRET = "fixture-webhook-secret-0123456789";

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://mastodon.example",
                FIXTURE_SECRET, null, null, null, null));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] fixtureBody() {
        return Webhooks.resource("/mastodon/status.created.SYNTHESIZED.body.json");
    }

    private static String fixtureSignature() {
        String headers = new String(Webhooks.resource("/mastodon/status.created.SYNTHESIZED.headers.txt"), StandardCharsets.UTF_8);
        return headers.lines().filter(l -> l.startsWith("X-Hub-Signature:"))
                .map(l -> l.substring(16).trim()).findFirst().orElseThrow();
    }

    private TestServer.Response deliver(byte[] body, String signature) {
        return server.sendBytes("POST", "/hooks/mastodon/social", "application/json", body, WebhookSignature.HEADER, signature);
    }

    private int count(String sql) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    @Test
    void accepts_the_fixture_with_its_recorded_signature_and_persists_it_before_answering() {
        TestServer.Response r = deliver(fixtureBody(), fixtureSignature());
        assertThat(r.status()).isEqualTo(202);
        assertThat(count("SELECT COUNT(*) FROM webhook_events")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM media_overview WHERE state = 'queued'")).isEqualTo(1);
    }

    @Test
    void rejects_webhook_with_bad_signature_and_stores_nothing() {
        byte[] body = fixtureBody();
        assertThat(deliver(body, WebhookSignature.sign("another-secret-0123456789", body)).status()).isEqualTo(401);
        assertThat(deliver(body, null).status()).isEqualTo(401);
        assertThat(deliver(body, "sha256=zz").status()).isEqualTo(401);
        assertThat(count("SELECT COUNT(*) FROM webhook_events")).isZero();
        assertThat(count("SELECT COUNT(*) FROM media")).isZero();
    }

    @Test
    void rejects_a_body_changed_by_one_byte() {
        byte[] body = fixtureBody();
        byte[] changed = Arrays.copyOf(body, body.length);
        changed[body.length / 2] ^= 1;
        assertThat(deliver(changed, fixtureSignature()).status()).isEqualTo(401);
        assertThat(count("SELECT COUNT(*) FROM media")).isZero();
    }

    @Test
    void answers_a_duplicate_with_200_and_stores_it_once() {
        assertThat(deliver(fixtureBody(), fixtureSignature()).status()).isEqualTo(202);
        TestServer.Response again = deliver(fixtureBody(), fixtureSignature());
        assertThat(again.status()).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM webhook_events")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(1);
    }

    @Test
    void ignores_event_types_it_does_not_handle_with_202() {
        byte[] body = "{\"event\":\"account.created\",\"created_at\":\"2024-01-01T00:00:00Z\",\"object\":{\"id\":\"1\",\"email\":\"a@b.example\",\"ip\":\"192.0.2.1\"}}"
                .getBytes(StandardCharsets.UTF_8);
        TestServer.Response r = deliver(body, WebhookSignature.sign(FIXTURE_SECRET, body));
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("result").asText()).isEqualTo("ignored");
        assertThat(count("SELECT COUNT(*) FROM webhook_events")).isZero();
    }

    @Test
    void signed_malformed_json_and_missing_fields_get_400_with_the_reason() {
        byte[] broken = "{\"event\": \"status.created\", \"object\": ".getBytes(StandardCharsets.UTF_8);
        TestServer.Response r = deliver(broken, WebhookSignature.sign(FIXTURE_SECRET, broken));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).startsWith("malformed webhook");
        byte[] noObject = "{\"event\": \"status.created\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(deliver(noObject, WebhookSignature.sign(FIXTURE_SECRET, noObject)).status()).isEqualTo(400);
        assertThat(count("SELECT COUNT(*) FROM media")).isZero();
    }

    @Test
    void refuses_a_huge_body_with_413() throws Exception {
        byte[] huge = new byte[IngestRoutes.MAX_WEBHOOK_BYTES + 10];
        Arrays.fill(huge, (byte) ' ');
        // Expect: 100-continue, as a careful sender does: the refusal arrives before the body is sent, so the
        // answer is not lost to a connection closed under a body still being written
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base + "/hooks/mastodon/social"))
                        .expectContinue(true).header("Content-Type", "application/json")
                        .header(WebhookSignature.HEADER, WebhookSignature.sign(FIXTURE_SECRET, huge))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(huge)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(count("SELECT COUNT(*) FROM webhook_events")).isZero();
    }

    @Test
    void an_unknown_instance_is_401_like_a_bad_signature() {
        TestServer.Response r = server.sendBytes("POST", "/hooks/mastodon/nobody", "application/json", fixtureBody(),
                WebhookSignature.HEADER, fixtureSignature());
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void readyz_and_metrics_answer() {
        assertThat(server.get("/readyz", null).status()).isEqualTo(200);
        deliver(fixtureBody(), fixtureSignature());
        TestServer.Response metrics = server.get("/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("sightline_webhook_events_total{outcome=\"accepted\",type=\"status.created\"} 1.0")
                .contains("sightline_queue_depth")
                .containsPattern("sightline_follow_statuses_total\\{instance=\"[a-z]+\",source=\"webhook\"} 1.0");
    }
}
