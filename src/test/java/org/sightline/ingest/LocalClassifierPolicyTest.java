package org.sightline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The local classifier inside the pipeline, on a real server: its scores are stored and returned with the model,
 * they only ever open a review case (suggesting mark_sensitive) on a post its author did not mark sensitive, and
 * a classifier that cannot answer sends the media to review. No adult image is needed: the adult threshold is set
 * low enough (0.03) that a benign test photo whose porn + hentai is 0.056 crosses it, and another (0.00003) does not.
 */
class LocalClassifierPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** porn + hentai about 0.056 under nsfwjs MobileNetV2. */
    private static final String OVER = "pytx/rgb.jpeg";
    /** porn + hentai about 0.00003. */
    private static final String UNDER = "misc-images/c.png";

    @TempDir
    Path data;
    MediaServer media;
    TestServer server;
    String token;

    private void start(Config extra) {
        media = new MediaServer();
        Config config = extra.with("data.dir", data).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 50).with("fetch.timeout_ms", 2000);
        server = new TestServer(config);
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://mastodon.example",
                Webhooks.SECRET, null, null, null, null));
        token = server.token("scanner", Scope.SCAN);
    }

    private Config lowThreshold() {
        return Config.defaults().with("decide.unmarked_adult_threshold", 0.03);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (media != null) media.close();
    }

    /** Posts a status with one image, marked sensitive or with a content warning as asked, and waits for it. */
    private JsonNode post(String statusId, String image, boolean sensitive, String spoilerText) throws Exception {
        String url = media.put("/files/" + statusId + ".img", Webhooks.resource("/pdq/images/" + image));
        ObjectNode root = (ObjectNode) JSON.readTree(Webhooks.status("status.created", statusId, "a" + statusId, url));
        ObjectNode status = (ObjectNode) root.get("object");
        status.put("sensitive", sensitive);
        status.put("spoiler_text", spoilerText);
        TestServer.Response answer = Webhooks.post(server, "social", JSON.writeValueAsBytes(root), Webhooks.SECRET);
        assertThat(answer.status()).isEqualTo(202);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            JsonNode list = server.get("/api/v1/media?instance=social&status=" + statusId, token).json().get("media");
            if (list.size() == 1 && list.get(0).get("state").asText().equals("done")) return list.get(0);
            Thread.sleep(50);
        }
        throw new AssertionError("status " + statusId + " not processed in time");
    }

    private JsonNode caseOf(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT priority, reason, suggested_action, auto_outcome FROM cases WHERE media_id = :id")
                .bind("id", mediaId).mapToMap().findOne()).map(row -> (JsonNode) JSON.valueToTree(row)).orElse(null);
    }

    @Test
    void an_unmarked_post_over_the_adult_threshold_opens_a_low_priority_case_suggesting_mark_sensitive() throws Exception {
        start(lowThreshold());
        JsonNode m = post("2001", OVER, false, "");
        assertThat(m.get("decision").asText()).isEqualTo("review");
        JsonNode local = m.get("classifications").get(0);
        assertThat(local.get("classifier").asText()).isEqualTo("local");
        assertThat(local.get("model").asText()).isEqualTo("nsfwjs-mobilenet-v2");
        assertThat(local.get("version").asText()).isEqualTo("4.4.0");
        assertThat(local.get("scores").get("porn").asDouble() + local.get("scores").get("hentai").asDouble())
                .isCloseTo(0.056, within(0.01));
        assertThat(m.get("sensitive").asBoolean()).isFalse();
        JsonNode c = caseOf(m.get("id").asLong());
        assertThat(c).isNotNull();
        assertThat(c.get("reason").asText()).startsWith("possibly unmarked adult content");
        assertThat(c.get("suggested_action").asText()).isEqualTo("mark_sensitive");
        assertThat(c.get("auto_outcome").isNull()).as("never an automatic action").isTrue();
        assertThat(c.get("priority").asInt()).isEqualTo(10);
        int actions = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM action_requests")
                .mapTo(Integer.class).one());
        assertThat(actions).isZero();

        // a photo under the threshold passes, its scores stored all the same
        JsonNode benign = post("2002", UNDER, false, "");
        assertThat(benign.get("decision").asText()).isEqualTo("pass");
        assertThat(benign.get("classifications").get(0).get("scores").get("neutral").asDouble()).isGreaterThan(0.99);
        assertThat(caseOf(benign.get("id").asLong())).isNull();
        assertThat(server.get("/metrics", null).body()).contains("sightline_classifier_results_total{classifier=\"local\"");
    }

    @Test
    void an_instance_threshold_overrides_the_global_one() throws Exception {
        // globally low enough to flag the photo, but this instance's admin set "never"
        start(lowThreshold().with("decide.unmarked_adult_thresholds", "other=0.5, social=2"));
        JsonNode m = post("2201", OVER, false, "");
        assertThat(m.get("decision").asText()).isEqualTo("pass");
        assertThat(caseOf(m.get("id").asLong())).isNull();
        server.close();
        server = null;
        media.close();
        data = Files.createDirectories(data.resolve("second"));
        // and the other way round: strict on this instance while the global default (0.9) would pass it
        start(Config.defaults().with("decide.unmarked_adult_thresholds", "social=0.03"));
        JsonNode flagged = post("2202", OVER, false, "");
        assertThat(flagged.get("decision").asText()).isEqualTo("review");
        assertThat(caseOf(flagged.get("id").asLong()).get("suggested_action").asText()).isEqualTo("mark_sensitive");
    }

    @Test
    void a_malformed_instance_threshold_is_refused_at_start_with_the_pair_named() {
        for (String bad : new String[]{"social", "social=high", "=0.5", "social=-1", "social=0.5,social=0.6"}) {
            assertThatThrownBy(() -> org.sightline.decide.DecideSettings.from(
                    Config.defaults().with("decide.unmarked_adult_thresholds", bad)))
                    .as(bad).isInstanceOf(org.sightline.config.ConfigException.class)
                    .hasMessageContaining("decide.unmarked_adult_thresholds");
        }
        assertThat(org.sightline.decide.DecideSettings.from(Config.defaults()
                .with("decide.unmarked_adult_thresholds", " art = 0.97 ,family=0.6")).adultThresholdFor("art")).isEqualTo(0.97);
    }

    @Test
    void a_post_its_author_marked_sensitive_or_put_behind_a_content_warning_is_not_flagged() throws Exception {
        start(lowThreshold());
        JsonNode marked = post("2101", OVER, true, "");
        assertThat(marked.get("decision").asText()).isEqualTo("pass");
        assertThat(marked.get("sensitive").asBoolean()).isTrue();
        assertThat(marked.get("classifications").get(0).get("scores").get("porn").asDouble()).isGreaterThan(0.03);
        assertThat(caseOf(marked.get("id").asLong())).isNull();

        JsonNode warned = post("2102", OVER, false, "cw: photo");
        assertThat(warned.get("decision").asText()).isEqualTo("pass");
        assertThat(caseOf(warned.get("id").asLong())).isNull();
    }

    @Test
    void at_the_default_threshold_benign_photos_open_no_case() throws Exception {
        start(Config.defaults());
        JsonNode m = post("2201", OVER, false, "");
        assertThat(m.get("decision").asText()).isEqualTo("pass");
        assertThat(m.get("classifications")).hasSize(1);
    }

    @Test
    void a_classifier_that_cannot_answer_sends_the_media_to_review_with_the_reason() throws Exception {
        Path empty = Files.createDirectories(data.resolve("no-model"));
        start(Config.defaults().with("classifier.local.model_dir", empty.toString()));
        JsonNode m = post("2301", UNDER, false, "");
        assertThat(m.get("outcome").asText()).isEqualTo("scanned");
        assertThat(m.get("decision").asText()).isEqualTo("review");
        JsonNode local = m.get("classifications").get(0);
        assertThat(local.get("error").asText()).contains("model could not be loaded");
        assertThat(local.get("scores")).isEmpty();
        assertThat(caseOf(m.get("id").asLong()).get("reason").asText()).contains("local: model could not be loaded");
    }

    @Test
    void the_classifier_can_be_turned_off_for_one_instance_and_runs_for_the_scan_api() throws Exception {
        start(lowThreshold().with("classifier.local.disabled_instances", "social"));
        JsonNode m = post("2401", OVER, false, "");
        assertThat(m.get("decision").asText()).isEqualTo("pass");
        assertThat(m.get("classifications")).isEmpty();

        String body = "{\"image_base64\":\"" + Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/" + UNDER)) + "\"}";
        JsonNode scanned = server.postJson("/api/v1/media", token, body).json();
        assertThat(scanned.get("classifications").get(0).get("classifier").asText()).isEqualTo("local");
        assertThat(scanned.has("sensitive")).isFalse();
    }
}
