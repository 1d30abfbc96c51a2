package org.sightline.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.config.Config;
import org.sightline.ingest.mastodon.WebhookSignature;
import org.sightline.instances.InstanceService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Over-long fields in signed webhooks: the post is kept, the field is cut and the case says so. No workers run. */
class WebhookFieldLimitsTest {
    static final String SECRET = "fixture-webhook-secret-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://mastodon.example",
                SECRET, null, null, null, null));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private byte[] status(Consumer<ObjectNode> change) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(Webhooks.status("status.created", "1001", "2001",
                "https://mastodon.example/media/a.png"));
        change.accept(root);
        return JSON.writeValueAsBytes(root);
    }

    private Map<String, Object> onlyMedia() {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT account_id, acct, status_url, fetch_url, report_comment, metadata FROM media").mapToMap().one());
    }

    private TestServer.Response deliver(byte[] body) {
        return Webhooks.post(server, "social", body, SECRET);
    }

    @Test
    void an_over_long_account_id_acct_and_status_url_are_cut_and_noted_and_the_media_kept() throws IOException {
        byte[] body = status(root -> {
            ObjectNode status = (ObjectNode) root.get("object");
            ((ObjectNode) status.get("account")).put("id", "9".repeat(65));
            ((ObjectNode) status.get("account")).put("acct", "a".repeat(310) + "@remote.example");
            status.put("url", "https://mastodon.example/@user/" + "x".repeat(1001));
        });
        TestServer.Response r = deliver(body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        Map<String, Object> media = onlyMedia();
        assertThat((String) media.get("account_id")).hasSizeLessThanOrEqualTo(64);
        assertThat((String) media.get("acct")).hasSizeLessThanOrEqualTo(300);
        assertThat(media.get("status_url")).isNull();
        assertThat(media.get("fetch_url")).isEqualTo("https://mastodon.example/media/a.png");
        assertThat((String) media.get("metadata")).contains("acct was truncated").contains("account id was truncated")
                .contains("status URL was dropped");
    }

    @Test
    void an_over_long_created_at_still_ingests_the_post_and_a_retry_is_a_duplicate() throws IOException {
        byte[] body = status(root -> {
            root.put("created_at", "2".repeat(300));
            ((ObjectNode) root.get("object")).put("created_at", "2".repeat(300));
        });
        assertThat(deliver(body).status()).isEqualTo(202);
        assertThat(deliver(body).status()).isEqualTo(200);
        assertThat(onlyMedia().get("fetch_url")).isNotNull();
    }

    @Test
    void an_over_long_boost_url_is_dropped_and_the_boosted_media_kept() throws IOException {
        byte[] body = status(root -> {
            ObjectNode status = (ObjectNode) root.get("object");
            ObjectNode boosted = status.deepCopy();
            boosted.put("id", "1002");
            boosted.put("url", "https://remote.example/@user/" + "y".repeat(1001));
            status.putArray("media_attachments");
            status.set("reblog", boosted);
        });
        TestServer.Response r = deliver(body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        Map<String, Object> media = onlyMedia();
        assertThat(media.get("status_url")).isNull();
        assertThat((String) media.get("metadata")).contains("status URL was dropped");
    }

    @Test
    void a_media_url_too_long_to_store_is_kept_as_media_that_cannot_be_fetched() throws IOException {
        String longUrl = "https://mastodon.example/media/" + "m".repeat(2001) + ".png";
        byte[] body = status(root -> {
            ObjectNode attachment = (ObjectNode) root.get("object").get("media_attachments").get(0);
            attachment.put("url", longUrl);
            attachment.put("preview_url", longUrl);
        });
        TestServer.Response r = deliver(body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().get("queued").asInt()).isEqualTo(1);
        Map<String, Object> media = onlyMedia();
        assertThat(media.get("fetch_url")).isNull();
        assertThat((String) media.get("metadata")).contains("media URL");
        // a retry of the same delivery creates nothing new
        assertThat(deliver(body).status()).isEqualTo(200);
    }

    @Test
    void an_over_long_report_comment_is_truncated_and_noted() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(Webhooks.report("77", "1001", "2001",
                "https://mastodon.example/media/a.png"));
        ((ObjectNode) root.get("object")).put("comment", "c".repeat(2001));
        TestServer.Response r = deliver(JSON.writeValueAsBytes(root));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        Map<String, Object> media = onlyMedia();
        assertThat((String) media.get("report_comment")).hasSizeLessThanOrEqualTo(2000);
        assertThat((String) media.get("metadata")).contains("report comment was truncated");
    }

    @Test
    void unknown_event_types_share_one_metrics_label() {
        for (int i = 0; i < 5; i++) {
            byte[] body = ("{\"event\":\"made.up." + i + "\",\"object\":{}}").getBytes(StandardCharsets.UTF_8);
            assertThat(deliver(body).status()).isEqualTo(202);
        }
        String metrics = server.get("/metrics", null).body();
        assertThat(metrics).doesNotContain("made.up");
        assertThat(metrics).contains("type=\"other\"");
    }

    @Test
    void unknown_instances_and_bad_signatures_are_answered_alike() {
        byte[] body = "{\"event\":\"status.created\",\"object\":{}}".getBytes(StandardCharsets.UTF_8);
        String wrong = WebhookSignature.sign("another-secret-0123456789", body);
        TestServer.Response known = server.sendBytes("POST", "/hooks/mastodon/social", "application/json", body,
                WebhookSignature.HEADER, wrong);
        TestServer.Response unknown = server.sendBytes("POST", "/hooks/mastodon/nosuch", "application/json", body,
                WebhookSignature.HEADER, wrong);
        assertThat(unknown.status()).isEqualTo(known.status()).isEqualTo(401);
        assertThat(unknown.body()).isEqualTo(known.body());
        TestServer.Response gateUnknown = server.sendBytes("POST", "/hooks/pictrs/nosuch", "image/png", new byte[]{1},
                "Authorization", "Bearer wrong-secret");
        TestServer.Response gateWrongKind = server.sendBytes("POST", "/hooks/pictrs/social", "image/png", new byte[]{1},
                "Authorization", "Bearer wrong-secret");
        assertThat(gateUnknown.status()).isEqualTo(401);
        assertThat(gateWrongKind.status()).isEqualTo(401);
        assertThat(gateUnknown.body()).isEqualTo(gateWrongKind.body());
    }
}
