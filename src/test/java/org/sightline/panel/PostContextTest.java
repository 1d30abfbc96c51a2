package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.access.User;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.MediaDerivatives;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;
import org.sightline.review.Retention;
import org.sightline.review.RetentionSettings;
import org.sightline.store.TestDatabases;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #19: the post's context on the case page and in the case API, from a real Mastodon webhook payload (the
 * shared fixture), escaped, replaced by an edit, and purged by the retention job; on H2 and on PostgreSQL.
 */
class PostContextTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    String pgUrl;
    MediaServer media;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (media != null) media.close();
        if (pgUrl != null) TestDatabases.dropPostgresSchema(pgUrl);
    }

    @Test
    void the_post_text_is_shown_escaped_replaced_by_an_edit_and_purged_with_the_pictures_on_h2() throws Exception {
        run(Config.defaults().with("data.dir", dir));
    }

    @Test
    void the_post_text_is_shown_escaped_replaced_by_an_edit_and_purged_with_the_pictures_on_postgresql() throws Exception {
        pgUrl = TestDatabases.createPostgresSchema();
        run(Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", pgUrl,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER)));
    }

    /** The fixture's status with one image at {@code url} and this HTML content, content warning and flag. */
    static byte[] status(String event, String statusId, String url, String html, String cw, boolean sensitive)
            throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(Webhooks.status(event, statusId, "att-" + statusId, url));
        ObjectNode status = (ObjectNode) root.get("object");
        if (html != null) status.put("content", html);
        status.put("spoiler_text", cw);
        status.put("sensitive", sensitive);
        if (event.equals("status.updated")) status.put("edited_at", "2026-11-29T10:00:00.000Z");
        return JSON.writeValueAsBytes(root);
    }

    void run(Config base) throws Exception {
        media = new MediaServer();
        server = new TestServer(base.with("fetch.allow_private_addresses", true).with("ingest.poll_ms", 50)
                .with("fetch.timeout_ms", 2000));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://mastodon.example",
                Webhooks.SECRET, null, null, null, null));
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                List.of("other"), null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ,
                List.of("other"), "test entry", null, null)), "test");
        String reviewer = server.token("reviewer", Scope.REVIEW);
        User mia = server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        String url = media.put("/files/bridge.jpg", Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));

        // the fixture as Mastodon sends it: HTML paragraphs, entities and a link split over spans
        byte[] created = status("status.created", "3001", url, null, "", false);
        assertThat(Webhooks.post(server, "social", created, Webhooks.SECRET).status()).isEqualTo(202);
        long caseId = awaitCase();
        PanelClient panel = new PanelClient(server.base);
        panel.login("mia", "correct horse battery");
        String page = panel.get("/cases/" + caseId).body();
        assertThat(page).contains("id=\"post-text\"")
                .contains("&quot;I lost my inheritance with one wrong digit on my sort code&quot;")
                .contains("https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code")
                .doesNotContain("<span class=\"invisible\">")
                .contains("id=\"post-author\">Gargron@mastodon.example<")
                .contains("id=\"post-visibility\">Public<")
                .contains("not marked sensitive")
                .contains("href=\"https://mastodon.example/@user/3001\"");
        JsonNode api = server.get("/api/v1/cases/" + caseId, reviewer).json();
        assertThat(api.get("post").get("text").asText()).startsWith("\"I lost my inheritance")
                .contains("\n\nhttps://www.theguardian.com/");
        assertThat(api.get("post").get("visibility").asText()).isEqualTo("public");
        assertThat(api.get("post").get("domain").asText()).isEqualTo("mastodon.example");
        // issue #14: a public post adds its documented points to the risk score
        assertThat(api.get("risk").get("reasons").toString()).contains("{\"points\":5,\"text\":\"the post is public\"}");

        // an edit with markup meant to run in the moderator's browser: stored as text, shown escaped, never as HTML
        byte[] edited = status("status.updated", "3001", url,
                "<p>new &lt;script&gt;alert(1)&lt;/script&gt; text<br>second line</p><script>alert(2)</script>"
                        + "<img src=x onerror=alert(3)>", "bridge photo", true);
        assertThat(Webhooks.post(server, "social", edited, Webhooks.SECRET).status()).isEqualTo(202);
        page = panel.get("/cases/" + caseId).body();
        assertThat(page).contains("new &lt;script&gt;alert(1)&lt;/script&gt; text\nsecond line")
                .doesNotContain("alert(2)").doesNotContain("onerror").doesNotContain("<script>alert")
                .doesNotContain("I lost my inheritance")
                .contains("id=\"post-cw\"").contains("bridge photo")
                .contains("id=\"post-sensitive\"");
        api = server.get("/api/v1/cases/" + caseId, reviewer).json();
        assertThat(api.get("post").get("text").asText()).isEqualTo("new <script>alert(1)</script> text\nsecond line");
        assertThat(api.get("post").get("spoiler_text").asText()).isEqualTo("bridge photo");
        assertThat(api.get("post").get("sensitive").asBoolean()).isTrue();

        // decided, then a year and a day on: the retention job deletes the post context with the pictures
        server.deps.review().dismiss(caseId, mia, "a bridge", null);
        Retention.Purged purged = new Retention(server.deps.database().jdbi(), new MediaDerivatives(),
                server.deps.audit(), Clock.fixed(Instant.now().plus(Duration.ofDays(366)), ZoneOffset.UTC),
                RetentionSettings.from(server.deps.config())).purge();
        assertThat(purged.decidedCaseMedia()).isEqualTo(1);
        assertThat(server.get("/api/v1/cases/" + caseId, reviewer).json().get("post").isNull()).isTrue();
        assertThat(panel.get("/cases/" + caseId).body()).doesNotContain("id=\"post-text\"").doesNotContain("alert(1)");
        int kept = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM media_posts")
                .mapTo(Integer.class).one());
        assertThat(kept).isZero();
    }

    long awaitCase() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            List<Long> ids = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM cases")
                    .mapTo(Long.class).list());
            if (!ids.isEmpty()) return ids.get(0);
            Thread.sleep(50);
        }
        throw new AssertionError("no case opened in time");
    }

    @Test
    void the_scan_api_takes_an_optional_post_and_refuses_an_unknown_visibility() throws Exception {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0));
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                List.of("other"), null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ,
                List.of("other"), "test entry", null, null)), "test");
        String root = server.token("root", Scope.ADMIN);
        String b64 = java.util.Base64.getEncoder().encodeToString(
                Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        TestServer.Response bad = server.postJson("/api/v1/media", root, "{\"image_base64\":\"" + b64
                + "\",\"post\":{\"visibility\":\"everyone\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("post.visibility must be one of public, unlisted, private, direct");
        TestServer.Response r = server.postJson("/api/v1/media", root, "{\"image_base64\":\"" + b64
                + "\",\"post\":{\"text\":\"hello <b>there</b>\",\"spoiler_text\":\"cw\",\"visibility\":\"direct\","
                + "\"url\":\"javascript:alert(1)\",\"acct\":\"ana@remote.example\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long caseId = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM cases WHERE media_id = :m")
                .bind("m", r.json().get("id").asLong()).mapTo(Long.class).one());
        JsonNode post = server.get("/api/v1/cases/" + caseId, root).json().get("post");
        assertThat(post.get("text").asText()).isEqualTo("hello <b>there</b>");
        assertThat(post.get("visibility").asText()).isEqualTo("direct");
        assertThat(post.get("domain").asText()).isEqualTo("remote.example");
        assertThat(post.has("url")).as("a javascript: URL is dropped").isFalse();
        // a direct post is not public: no points for it
        assertThat(server.get("/api/v1/cases/" + caseId, root).json().get("risk").toString()).doesNotContain("public");

        // media that passed keep their post context for retention.passed_media_days (7), then lose it
        String clean = java.util.Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/misc-images/c.png"));
        TestServer.Response passed = server.postJson("/api/v1/media", root, "{\"image_base64\":\"" + clean
                + "\",\"post\":{\"text\":\"a cat\",\"visibility\":\"public\"}}");
        assertThat(passed.json().get("decision").asText()).isEqualTo("pass");
        long passedId = passed.json().get("id").asLong();
        assertThat(server.deps.scans().media().post(passedId)).isPresent();
        assertThat(retentionAt(Duration.ofDays(6)).purge().total()).isZero();
        assertThat(server.deps.scans().media().post(passedId)).isPresent();
        assertThat(retentionAt(Duration.ofDays(8)).purge().passedMedia()).isEqualTo(1);
        assertThat(server.deps.scans().media().post(passedId)).isEmpty();
        assertThat(server.deps.scans().media().post(r.json().get("id").asLong())).as("an open case keeps it").isPresent();
    }

    Retention retentionAt(Duration later) {
        return new Retention(server.deps.database().jdbi(), new MediaDerivatives(), server.deps.audit(),
                Clock.fixed(Instant.now().plus(later), ZoneOffset.UTC), RetentionSettings.from(server.deps.config()));
    }
}
