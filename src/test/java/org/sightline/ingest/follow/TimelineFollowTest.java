package org.sightline.ingest.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.hashing.TestClips;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Media on a watched instance's public timelines reach the scan queue by stream and gap-fill, once each. */
class TimelineFollowTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    final MediaServer media = new MediaServer();
    final FakeTimelines mastodon = new FakeTimelines();
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        mastodon.close();
        media.close();
    }

    private Config config() {
        return Config.defaults().with("data.dir", data).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 50).with("follow.check_ms", 200).with("follow.backoff_min_ms", 100)
                .with("misskey.poll_interval_s", 0);
    }

    private void start(String token, String watch) {
        server = new TestServer(config());
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(),
                Webhooks.SECRET, token, null, null, watch));
    }

    private int count(String sql) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private JsonNode follow(String admin) {
        return server.get("/api/v1/instances/social", admin).json().get("follow");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private void awaitFollowing(String admin) throws InterruptedException {
        await("following", () -> {
            JsonNode f = follow(admin);
            return f != null && !f.isNull() && f.get("state").asText().equals("following") && mastodon.openStreams() > 0;
        });
    }

    private void knownBad() {
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                List.of("spam"), null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ,
                List.of("spam"), null, null, null)), "test");
    }

    @Test
    void a_video_on_the_stream_is_fetched_whole_and_hashed_frame_by_frame() throws Exception {
        start(FakeTimelines.TOKEN, "remote");
        String admin = server.token("root", Scope.ADMIN);
        awaitFollowing(admin);
        byte[] clip = TestClips.ffmpeg().h264(160, 120, 10, 3);
        String copy = media.put("/cache/clip.mp4", clip);
        ObjectNode status = mastodon.status("mallory@remote.example", "v1", copy, Instant.now());
        ObjectNode attachment = (ObjectNode) status.get("media_attachments").get(0);
        attachment.put("type", "video");
        attachment.put("remote_url", (String) null);
        // the still preview is an image: were it scanned instead, the media would be a jpeg
        attachment.put("preview_url", media.put("/cache/clip-small.jpg",
                Webhooks.resource("/pdq/images/misc-images/wee.jpg")));
        mastodon.publish(status);

        await("scanned", () -> count("SELECT COUNT(*) FROM media_overview WHERE state = 'done'") == 1);
        assertThat(count("SELECT COUNT(*) FROM media m JOIN media_signals s ON s.media_id = m.id"
                + " WHERE m.fetch_video = TRUE AND m.fetch_url LIKE '%clip.mp4' AND s.format = 'mp4'"
                + " AND s.vpdq LIKE '[%' AND s.contact_sheet = '0.0,1.0,2.0'")).isEqualTo(1);
    }

    @Test
    void a_remote_status_on_the_stream_is_scanned_from_the_instance_copy_and_matched_with_its_context() throws Exception {
        start(FakeTimelines.TOKEN, null);
        String admin = server.token("root", Scope.ADMIN);
        knownBad();
        // watch is set by the API (admin scope, audited)
        assertThat(server.send("PATCH", "/api/v1/instances/social", server.token("s", Scope.SCAN), "application/json",
                "{\"watch\": \"remote\"}", null).status()).isEqualTo(403);
        assertThat(server.send("PATCH", "/api/v1/instances/social", admin, "application/json",
                "{\"watch\": \"sometimes\"}", null).status()).isEqualTo(400);
        TestServer.Response patched = server.send("PATCH", "/api/v1/instances/social", admin, "application/json",
                "{\"watch\": \"remote\"}", null);
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("watch").asText()).isEqualTo("remote");
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE action = 'instance_watch'")).isEqualTo(1);
        awaitFollowing(admin);

        String copy = media.put("/cache/bridge.jpg", Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        ObjectNode status = mastodon.status("mallory@remote.example", "a1", copy, Instant.now());
        mastodon.publish(status);
        // a local status is not on the remote stream
        mastodon.publish(mastodon.status("alice", "a2", media.put("/cache/wee.jpg",
                Webhooks.resource("/pdq/images/misc-images/wee.jpg")), Instant.now()));

        await("scanned", () -> count("SELECT COUNT(*) FROM media_overview WHERE state = 'done'") == 1);
        Map<String, Object> row = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT status_id, acct, fetch_url, decision, metadata FROM media_overview WHERE attachment_id = 'a1'")
                .mapToMap().one());
        assertThat(row).containsEntry("status_id", status.get("id").asText()).containsEntry("acct", "mallory@remote.example")
                .containsEntry("fetch_url", copy).containsEntry("decision", "review");
        JsonNode post = JSON.readTree((String) row.get("metadata")).get("post");
        assertThat(post.get("origin").asText()).isEqualTo("remote.example");
        assertThat(post.get("source").asText()).isEqualTo("stream");
        assertThat(post.get("sensitive").asBoolean()).isTrue();
        assertThat(post.get("spoiler_text").asText()).isEqualTo("cw: test");
        assertThat(post.get("visibility").asText()).isEqualTo("public");
        assertThat(post.get("url").asText()).isEqualTo("https://remote.example/@x/" + status.get("id").asText());
        assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
        // the case page's post context: the stream's status, its author with their own domain
        long mediaId = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT id FROM media WHERE attachment_id = 'a1'").mapTo(Long.class).one());
        assertThat(server.deps.scans().media().post(mediaId)).hasValueSatisfying(p -> {
            assertThat(p.spoilerText()).isEqualTo("cw: test");
            assertThat(p.sensitive()).isTrue();
            assertThat(p.isPublic()).isTrue();
            assertThat(p.author()).isEqualTo("mallory@remote.example");
            assertThat(p.url()).isEqualTo("https://remote.example/@x/" + status.get("id").asText());
        });
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(1);

        JsonNode follow = follow(admin);
        assertThat(follow.get("statuses_seen").asInt()).isEqualTo(1);
        assertThat(follow.get("last_status_id").asText()).isEqualTo(status.get("id").asText());
        assertThat(follow.get("last_event_at").isNull()).isFalse();
        assertThat(mastodon.calls("/api/v1/streaming/public/remote")).allSatisfy(c ->
                assertThat(c.query()).containsEntry("only_media", "true"));
        assertThat(mastodon.calls("/api/v1/timelines/public")).allSatisfy(c ->
                assertThat(c.query()).containsEntry("remote", "true").containsEntry("only_media", "true"));

        // an edit adding an image scans only the new one; a delete is recorded for the case
        status.withArray("media_attachments").addObject().put("id", "a3").put("type", "image")
                .put("url", media.put("/cache/small.jpg", Webhooks.resource("/pdq/images/misc-images/small.jpg")));
        mastodon.edit(status);
        await("the new attachment queued", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id = 'a3'") == 1);
        assertThat(count("SELECT COUNT(*) FROM media WHERE attachment_id = 'a1'")).isEqualTo(1);
        mastodon.delete(status);
        await("deletion recorded", () -> count("SELECT COUNT(*) FROM status_deletions WHERE status_id = '"
                + status.get("id").asText() + "'") == 1);
        assertThat(server.get("/metrics", null).body()).contains("sightline_follow_statuses_total{instance=\"social\",source=\"stream\"}");
    }

    @Test
    void a_status_published_while_the_stream_is_down_is_filled_in_after_reconnecting() throws Exception {
        start(FakeTimelines.TOKEN, "remote");
        String admin = server.token("root", Scope.ADMIN);
        awaitFollowing(admin);
        mastodon.publish(mastodon.status("a@remote.example", "b1", "https://cdn.example/1.jpg", Instant.now()));
        await("first", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id = 'b1'") == 1);

        mastodon.dropStreams();
        mastodon.publishQuietly(mastodon.status("b@remote.example", "b2", "https://cdn.example/2.jpg", Instant.now()));
        await("gap filled", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id = 'b2'") == 1);
        String metadata = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT metadata FROM media WHERE attachment_id = 'b2'").mapTo(String.class).one());
        assertThat(JSON.readTree(metadata)
                .path("post").path("source").asText()).isEqualTo("gap_fill");
        awaitFollowing(admin);
        assertThat(follow(admin).get("reconnects").asInt()).isGreaterThanOrEqualTo(1);
        // the gap-fill asked for what came after the last status seen
        assertThat(mastodon.calls("/api/v1/timelines/public")).anySatisfy(c -> assertThat(c.query().get("min_id"))
                .isNotNull());
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(2);
    }

    @Test
    void after_a_restart_the_follow_resumes_from_the_stored_status_id() throws Exception {
        start(FakeTimelines.TOKEN, "all");
        String admin = server.token("root", Scope.ADMIN);
        awaitFollowing(admin);
        ObjectNode first = mastodon.status("alice", "c1", "https://cdn.example/c1.jpg", Instant.now());
        mastodon.publish(first);
        await("first", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id = 'c1'") == 1);
        server.close();
        server = null;

        for (int i = 2; i <= 45; i++) { // more than one page of 40
            mastodon.publishQuietly(mastodon.status("x@remote.example", "c" + i, "https://cdn.example/c" + i + ".jpg", Instant.now()));
        }
        server = new TestServer(config());
        await("all caught up", () -> count("SELECT COUNT(*) FROM media") == 45);
        assertThat(mastodon.calls("/api/v1/timelines/public")).anySatisfy(c ->
                assertThat(c.query()).containsEntry("min_id", first.get("id").asText()));
        assertThat(count("SELECT COUNT(DISTINCT attachment_id) FROM media")).isEqualTo(45);
    }

    @Test
    void a_status_seen_by_webhook_stream_and_gap_fill_is_queued_once() throws Exception {
        start(FakeTimelines.TOKEN, "local");
        String admin = server.token("root", Scope.ADMIN);
        awaitFollowing(admin);
        String url = media.put("/cache/d.jpg", Webhooks.resource("/pdq/images/misc-images/wee.jpg"));
        ObjectNode status = mastodon.status("alice", "d1", url, Instant.now());
        // the webhook first (status.created of a local post)
        byte[] hook = Webhooks.status("status.created", status.get("id").asText(), "d1", url);
        assertThat(Webhooks.post(server, "social", hook, Webhooks.SECRET).status()).isEqualTo(202);
        mastodon.publish(status);
        await("stream read", () -> follow(admin).get("statuses_seen").asInt() == 1);
        // and the timeline again after a reconnect
        mastodon.dropStreams();
        await("reconnected", () -> follow(admin).get("reconnects").asInt() >= 1 && mastodon.openStreams() > 0);
        mastodon.publish(mastodon.status("bob", "d2", "https://cdn.example/d2.jpg", Instant.now()));
        await("next status", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id = 'd2'") == 1);
        assertThat(count("SELECT COUNT(*) FROM media WHERE attachment_id = 'd1'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(2);
    }

    @Test
    void a_refused_token_stops_following_with_a_message_for_the_admin() throws Exception {
        start("not-the-token", "remote");
        String admin = server.token("root", Scope.ADMIN);
        await("stopped", () -> {
            JsonNode f = follow(admin);
            return f != null && !f.isNull() && f.get("state").asText().equals("stopped");
        });
        JsonNode follow = follow(admin);
        assertThat(follow.get("last_error").asText()).contains("HTTP 401").contains("read:statuses")
                .doesNotContain("not-the-token");
        int calls = mastodon.calls.size();
        Thread.sleep(600); // several checks later: no retry against a refused token
        assertThat(mastodon.calls.size()).isEqualTo(calls);
        assertThat(server.get("/instances", null).status()).isIn(302, 303, 401);
    }

    @Test
    void a_429_is_waited_out_as_the_instance_asks() throws Exception {
        mastodon.failTimeline(429, Map.of("Retry-After", "1", "X-RateLimit-Remaining", "0"));
        start(FakeTimelines.TOKEN, "remote");
        String admin = server.token("root", Scope.ADMIN);
        awaitFollowing(admin);
        List<FakeTimelines.Call> timeline = mastodon.calls("/api/v1/timelines/public");
        assertThat(timeline.size()).isGreaterThanOrEqualTo(2);
        // the retry came no sooner than the instance asked (Retry-After: 1 s)
        assertThat(Duration.between(timeline.get(0).at(), timeline.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(follow(admin).get("reconnects").asInt()).isEqualTo(1);
    }

    @Test
    void a_streamed_status_marked_sensitive_or_with_a_content_warning_records_its_media_as_marked_sensitive() throws Exception {
        start(FakeTimelines.TOKEN, "all");
        String admin = server.token("root", Scope.ADMIN);
        awaitFollowing(admin);
        ObjectNode flagged = mastodon.status("alice", "s1", "https://cdn.example/s1.jpg", Instant.now());
        flagged.put("spoiler_text", "");
        ObjectNode warned = mastodon.status("alice", "s2", "https://cdn.example/s2.jpg", Instant.now());
        warned.put("sensitive", false);
        ObjectNode plain = mastodon.status("alice", "s3", "https://cdn.example/s3.jpg", Instant.now());
        plain.put("sensitive", false).put("spoiler_text", "");
        mastodon.publish(flagged);
        mastodon.publish(warned);
        mastodon.publish(plain);
        await("all three queued", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id IN ('s1', 's2', 's3')") == 3);

        String scan = server.token("scanner", Scope.SCAN);
        for (var expected : Map.of("s1", true, "s2", true, "s3", false).entrySet()) {
            long id = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT id FROM media WHERE attachment_id = :a").bind("a", expected.getKey()).mapTo(Long.class).one());
            TestServer.Response r = server.get("/api/v1/media/" + id, scan);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("sensitive").isBoolean()).as(expected.getKey()).isTrue();
            assertThat(r.json().get("sensitive").asBoolean()).as(expected.getKey()).isEqualTo(expected.getValue());
        }
    }

    @Test
    void a_removed_instance_is_no_longer_followed() throws Exception {
        start(FakeTimelines.TOKEN, "all");
        String admin = server.token("root", Scope.ADMIN);
        awaitFollowing(admin);
        assertThat(server.deps.follower().following()).hasSize(1);

        assertThat(server.send("DELETE", "/api/v1/instances/social", admin, null, null, null).status()).isEqualTo(200);
        await("follow stopped", () -> server.deps.follower().following().isEmpty());
        await("stream closed", () -> {
            mastodon.heartbeat(); // a write to a stream the follower closed fails: the fake forgets it
            return mastodon.openStreams() == 0;
        });
        mastodon.publish(mastodon.status("alice", "r1", "https://cdn.example/r1.jpg", Instant.now()));
        Thread.sleep(600); // several checks later: nobody picked the removed instance up again
        assertThat(mastodon.openStreams()).isZero();
        assertThat(count("SELECT COUNT(*) FROM media")).isZero();
    }

    @Test
    void a_follow_whose_holder_died_is_taken_over_and_caught_up_from_its_cursor() throws Exception {
        server = new TestServer(config().with("follow.lease_s", 1));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(),
                Webhooks.SECRET, FakeTimelines.TOKEN, null, null, null));
        String admin = server.token("root", Scope.ADMIN);
        ObjectNode seen = mastodon.status("alice", "t1", "https://cdn.example/t1.jpg", Instant.now());
        mastodon.publishQuietly(seen);
        ObjectNode missed = mastodon.status("bob@remote.example", "t2", "https://cdn.example/t2.jpg", Instant.now());
        mastodon.publishQuietly(missed);
        long id = server.deps.instances().find("social").orElseThrow().id();
        // another node followed it up to t1, then died holding the lease for a second more
        server.deps.database().jdbi().useHandle(h -> {
            h.createUpdate("INSERT INTO instance_follows (instance_id, state, last_status_id, statuses_seen, media_queued,"
                    + " reconnects, leased_by, lease_until) VALUES (:id, 'following', :last, 1, 1, 0, 'follow-dead:x', :until)")
                    .bind("id", id).bind("last", seen.get("id").asText())
                    .bind("until", Instant.now().plusSeconds(1)).execute();
            h.createUpdate("UPDATE instances SET watch = 'all' WHERE id = :id").bind("id", id).execute();
        });

        await("taken over", () -> server.deps.follower().following().contains(id));
        awaitFollowing(admin);
        await("caught up", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id = 't2'") == 1);
        assertThat(count("SELECT COUNT(*) FROM media WHERE attachment_id = 't1'")).isZero();
        String holder = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT leased_by FROM instance_follows WHERE instance_id = :id").bind("id", id).mapTo(String.class).one());
        assertThat(holder).startsWith("follow-").isNotEqualTo("follow-dead:x");
        assertThat(mastodon.calls("/api/v1/timelines/public")).anySatisfy(c ->
                assertThat(c.query()).containsEntry("min_id", seen.get("id").asText()));
    }
}
