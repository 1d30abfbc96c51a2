package org.sightline.ingest.follow;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A backfill pages a watched timeline back as a job with progress, below live traffic, and can be cancelled. */
class BackfillTest {
    @TempDir
    Path data;
    final FakeTimelines mastodon = new FakeTimelines();
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        mastodon.close();
    }

    private Config config() {
        // no media workers: what is queued stays visible with its priority
        return Config.defaults().with("data.dir", data).with("ingest.workers", 0).with("follow.check_ms", 200)
                .with("follow.backoff_min_ms", 100).with("ingest.poll_ms", 50).with("misskey.poll_interval_s", 0);
    }

    private void start(String watch) {
        server = new TestServer(config());
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(),
                org.sightline.ingest.Webhooks.SECRET, FakeTimelines.TOKEN, null, null, watch));
    }

    private int count(String sql) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** {@code n} remote statuses, one every {@code spacing}, the newest an hour ago. */
    private void history(int n, Duration spacing) {
        Instant now = Instant.now().minus(Duration.ofHours(1));
        for (int i = n - 1; i >= 0; i--) {
            mastodon.publishQuietly(mastodon.status("x@remote.example", "h" + i,
                    "https://cdn.example/h" + i + ".jpg", now.minus(spacing.multipliedBy(i))));
        }
    }

    @Test
    void a_backfill_pages_back_over_page_boundaries_to_its_days_with_progress_and_low_priority() throws Exception {
        history(100, Duration.ofHours(2)); // 1 h to 199 h old: the last 7 days (168 h) hold 84 of them
        start("remote");
        String admin = server.token("root", Scope.ADMIN);
        assertThat(server.postJson("/api/v1/instances/social/backfill", admin, "{\"days\": 0}").status()).isEqualTo(400);
        assertThat(server.postJson("/api/v1/instances/social/backfill", server.token("s", Scope.SCAN), "{\"days\": 7}")
                .status()).isEqualTo(403);
        TestServer.Response started = server.postJson("/api/v1/instances/social/backfill", admin, "{\"days\": 7}");
        assertThat(started.status()).isEqualTo(202);
        long job = started.json().get("job").get("id").asLong();
        await("done", () -> server.get("/api/v1/jobs/" + job, admin).json().get("state").asText().equals("done"));
        JsonNode done = server.get("/api/v1/jobs/" + job, admin).json();
        assertThat(done.get("kind").asText()).isEqualTo("backfill");
        assertThat(done.get("done").asLong()).isEqualTo(168);
        assertThat(done.get("total").asLong()).isEqualTo(168);
        assertThat(done.get("started_at").isNull()).isFalse();
        assertThat(done.get("finished_at").isNull()).isFalse();
        assertThat(done.get("error").isNull()).isTrue();

        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(84);
        assertThat(count("SELECT COUNT(*) FROM media WHERE attachment_id = 'h83'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM media WHERE attachment_id = 'h84'")).isZero();
        assertThat(count("SELECT MAX(priority) FROM media_work")).isLessThan(0);
        // three pages of 40, each asking for what is older than the last one's oldest status
        assertThat(mastodon.calls("/api/v1/timelines/public").stream().filter(c -> c.query().containsKey("max_id")).count())
                .isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE action = 'instance_backfill'")).isEqualTo(1);

        // a second backfill scans nothing again
        long again = server.postJson("/api/v1/instances/social/backfill", admin, "{\"days\": 7}").json().get("job").get("id").asLong();
        await("done again", () -> server.get("/api/v1/jobs/" + again, admin).json().get("state").asText().equals("done"));
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(84);

        // live media (a webhook's) go before backfilled ones
        byte[] hook = org.sightline.ingest.Webhooks.status("status.created", "999", "live1", "https://cdn.example/live.jpg");
        assertThat(org.sightline.ingest.Webhooks.post(server, "social", hook, org.sightline.ingest.Webhooks.SECRET).status())
                .isEqualTo(202);
        String first = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT m.attachment_id FROM media_work w"
                + " JOIN media m ON m.id = w.media_id WHERE w.state = 'queued' ORDER BY w.priority DESC, w.media_id"
                + " FETCH FIRST 1 ROWS ONLY").mapTo(String.class).one());
        assertThat(first).isEqualTo("live1");
    }

    @Test
    void a_backfill_without_a_watched_timeline_is_refused_and_one_at_a_time() {
        start(null);
        String admin = server.token("root", Scope.ADMIN);
        TestServer.Response refused = server.postJson("/api/v1/instances/social/backfill", admin, "{\"days\": 7}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("message").asText()).contains("watch");
        assertThat(server.get("/api/v1/jobs/99", admin).status()).isEqualTo(404);
    }

    @Test
    void a_cancelled_backfill_stops_and_says_so() throws Exception {
        history(400, Duration.ofMinutes(10));
        mastodon.timelineDelayMillis = 300;
        start("remote");
        String admin = server.token("root", Scope.ADMIN);
        long job = server.postJson("/api/v1/instances/social/backfill", admin, "{\"days\": 7}").json().get("job").get("id").asLong();
        await("running", () -> server.get("/api/v1/jobs/" + job, admin).json().get("done").asLong() > 0);
        TestServer.Response cancelled = server.send("DELETE", "/api/v1/jobs/" + job, admin, null, null, null);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("state").asText()).isEqualTo("cancelled");
        int calls = mastodon.calls("/api/v1/timelines/public").size();
        Thread.sleep(1000);
        // at most the page already asked for; no further pages
        assertThat(mastodon.calls("/api/v1/timelines/public").size()).isLessThanOrEqualTo(calls + 1);
        assertThat(count("SELECT COUNT(*) FROM media")).isLessThan(400);
        JsonNode after = server.get("/api/v1/jobs/" + job, admin).json();
        assertThat(after.get("state").asText()).isEqualTo("cancelled");
        assertThat(after.get("finished_at").isNull()).isFalse();
        assertThat(server.send("DELETE", "/api/v1/jobs/" + job, admin, null, null, null).status()).isEqualTo(409);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE action = 'job_cancel'")).isEqualTo(1);
    }

    @Test
    void a_backfill_interrupted_by_a_restart_resumes_from_its_cursor() throws Exception {
        history(200, Duration.ofMinutes(10));
        mastodon.timelineDelayMillis = 200;
        start("remote");
        String admin = server.token("root", Scope.ADMIN);
        long job = server.postJson("/api/v1/instances/social/backfill", admin, "{\"days\": 7}").json().get("job").get("id").asLong();
        await("a page done", () -> server.get("/api/v1/jobs/" + job, admin).json().get("done").asLong() > 0);
        server.close();
        int before = mastodon.calls("/api/v1/timelines/public").size();
        server = new TestServer(config());
        String admin2 = server.token("root2", Scope.ADMIN);
        await("done after restart", () -> server.get("/api/v1/jobs/" + job, admin2).json().get("state").asText().equals("done"));
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(200);
        // it went on with max_id: the restart did not start over from the newest status
        assertThat(mastodon.calls("/api/v1/timelines/public").subList(before, mastodon.calls("/api/v1/timelines/public").size()))
                .filteredOn(c -> "40".equals(c.query().get("limit")) && !c.query().containsKey("min_id")) // not the follower's
                .allSatisfy(c -> assertThat(c.query()).containsKey("max_id"));
    }

    @Test
    void a_backfill_of_zero_or_more_than_365_days_is_refused_and_makes_no_job() throws Exception {
        start("remote");
        String admin = server.token("root", Scope.ADMIN);
        for (String body : new String[]{"{\"days\": 0}", "{\"days\": 366}", "{\"days\": -1}", "{\"days\": 1.5}",
                "{\"days\": 9999999999}"}) {
            TestServer.Response r = server.postJson("/api/v1/instances/social/backfill", admin, body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.body()).as(body).contains("1 to 365");
        }
        // the service refuses it too, whoever calls it
        var instance = server.deps.instances().find("social").orElseThrow();
        assertThatThrownBy(() -> server.deps.follower().backfill(instance, 366, "root"))
                .isInstanceOf(org.sightline.common.Refusal.class);
        assertThat(count("SELECT COUNT(*) FROM jobs")).isZero();
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE action = 'instance_backfill'")).isZero();
    }

    @Test
    void a_running_backfill_whose_node_died_is_resumed_from_its_cursor() throws Exception {
        Instant newest = Instant.now().minus(Duration.ofHours(1));
        java.util.List<com.fasterxml.jackson.databind.node.ObjectNode> statuses = new java.util.ArrayList<>();
        for (int i = 99; i >= 0; i--) { // h0 an hour old ... h99 199 h old, every 2 h: h0 to h83 within 7 days
            var s = mastodon.status("x@remote.example", "h" + i, "https://cdn.example/h" + i + ".jpg",
                    newest.minus(Duration.ofHours(2L * i)));
            mastodon.publishQuietly(s);
            statuses.add(0, s);
        }
        start("remote");
        String admin = server.token("root", Scope.ADMIN);
        long instanceId = server.deps.instances().find("social").orElseThrow().id();
        String cursor = statuses.get(39).get("id").asText(); // the dead node had stored h0 to h39
        long job = server.deps.database().jdbi().withHandle(h -> h.createUpdate(
                "INSERT INTO jobs (kind, subject, params, state, done, total, cursor_value, leased_by, lease_until,"
                        + " created_by, created_at) VALUES ('backfill', 'instance:social', :params, 'running', 79, 168,"
                        + " :cursor, 'job-dead:x', :past, 'root', :created)")
                .bind("params", "{\"instance_id\":" + instanceId + ",\"days\":7,\"watch\":\"remote\"}")
                .bind("cursor", cursor).bind("past", Instant.now().minus(Duration.ofMinutes(1)))
                .bind("created", Instant.now()).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        server.deps.jobs().wake();

        await("resumed and done", () -> server.get("/api/v1/jobs/" + job, admin).json().get("state").asText().equals("done"));
        // only what lies beyond the cursor: h40 to h83, nothing the dead node had already done
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(44);
        assertThat(count("SELECT COUNT(*) FROM media WHERE attachment_id IN ('h39', 'h0', 'h84')")).isZero();
        assertThat(count("SELECT COUNT(*) FROM media WHERE attachment_id IN ('h40', 'h83')")).isEqualTo(2);
        assertThat(mastodon.calls("/api/v1/timelines/public")).anySatisfy(c ->
                assertThat(c.query()).containsEntry("max_id", cursor));
    }
}
