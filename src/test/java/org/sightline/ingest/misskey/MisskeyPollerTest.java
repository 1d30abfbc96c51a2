package org.sightline.ingest.misskey;

import org.sightline.hashing.TestClips;
import org.sightline.instances.PollState;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.actions.FakeMisskey;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** New images on a Misskey instance reach the scan queue through polls of its admin drive listing. */
class MisskeyPollerTest {
    static final String TOKEN = FakeMisskey.TOKEN;
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path data;
    final MediaServer media = new MediaServer();
    final FakeMisskey misskey = new FakeMisskey();
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        misskey.close();
        media.close();
    }

    private Instance start(Config extra, String token) {
        server = new TestServer(extra.with("data.dir", data).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 50));
        server.deps.instances().add(new InstanceService.NewInstance("kitty", "misskey", misskey.url(), null, token,
                null, null, null));
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
        misskey.upload("9k0000000a", "image/jpeg", bridge, "u1", "old", null);

        // the first poll only notes where "now" is: what was there before is not rescanned
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(0);
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().cursorId()).isEqualTo("9k0000000a");

        misskey.upload("9k0000000b", "image/jpeg", bridge, "u2", "alice", null);
        misskey.upload("9k0000000c", "video/mp4", media.put("/files/clip.mp4",
                TestClips.ffmpeg().h264(160, 120, 10, 3)), "u2", "alice", null);
        media.put("/files/clip.mp4.thumb.jpg", Webhooks.resource("/pdq/images/misc-images/wee.jpg"));
        misskey.upload("9k0000000e", "audio/ogg", media.url("/files/song.ogg"), "u2", "alice", null);
        misskey.upload("9k0000000d", "image/jpeg", media.put("/files/other.jpg",
                Webhooks.resource("/pdq/images/misc-images/small.jpg")), "u3", "bob", "remote.example");
        // the two images and the video (its whole file, not its thumbnail); not the audio file
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(3);

        await("all three scanned", () -> count("SELECT COUNT(*) FROM media_overview WHERE state = 'done'") == 3);
        assertThat(count("SELECT COUNT(*) FROM media m JOIN media_signals s ON s.media_id = m.id"
                + " WHERE m.attachment_id = '9k0000000c' AND m.fetch_url LIKE '%clip.mp4' AND m.fetch_video = TRUE"
                + " AND s.format = 'mp4' AND s.vpdq IS NOT NULL")).isEqualTo(1);
        Map<String, Object> alice = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT origin, attachment_id, account_id, acct, decision FROM media_overview WHERE attachment_id = '9k0000000b'")
                .mapToMap().one());
        assertThat(alice).containsEntry("origin", "misskey").containsEntry("account_id", "u2")
                .containsEntry("acct", "alice").containsEntry("decision", "review");
        assertThat(count("SELECT COUNT(*) FROM media WHERE acct = 'bob@remote.example'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
        // a drive file carries no note: the post context holds its author, domain and sensitive flag only
        long aliceMedia = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT id FROM media WHERE attachment_id = '9k0000000b'").mapTo(Long.class).one());
        assertThat(server.deps.scans().media().post(aliceMedia)).hasValueSatisfying(p -> {
            assertThat(p.author()).isEqualTo("alice@" + java.net.URI.create(misskey.url()).getHost());
            assertThat(p.sensitive()).isFalse();
            assertThat(p.text()).isNull();
            assertThat(p.visibility()).isNull();
        });
        long bobMedia = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT id FROM media WHERE attachment_id = '9k0000000d'").mapTo(Long.class).one());
        assertThat(server.deps.scans().media().post(bobMedia).orElseThrow().domain()).isEqualTo("remote.example");

        // nothing new: nothing queued twice, and the poll counts as the instance's last verified contact
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(0);
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(3);
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().filesQueued()).isEqualTo(3);
        assertThat(server.deps.instances().lastEventAt(kitty)).isPresent();
        assertThat(misskey.calls("admin/drive/files")).allSatisfy(c -> assertThat(c.text("origin")).isEqualTo("local"));
    }

    @Test
    void a_backlog_is_read_page_by_page_and_the_next_round_resumes_after_it() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0).with("ingest.workers", 0)
                .with("misskey.max_pages", 2), TOKEN);
        server.deps.misskeyPolls().poll(kitty, true); // empty instance: start from its first image
        for (int i = 0; i < 250; i++) {
            misskey.upload(String.format("9k%08d", i), "image/png", "https://files.example/" + i + ".png", "u" + i,
                    "user" + i, null);
        }
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(200);
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().cursorId()).isEqualTo("9k00000199");
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(50);
        assertThat(count("SELECT COUNT(DISTINCT attachment_id) FROM media")).isEqualTo(250);
        assertThat(server.get("/metrics", null).body())
                .contains("sightline_follow_media_total{instance=\"" + kitty.name() + "\",source=\"poll\"} 250.0");
    }

    @Test
    void a_refused_token_is_shown_to_the_admin_without_the_token_and_nothing_is_queued() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0), "not-the-token");
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(0);
        PollState state = server.deps.misskeyPolls().state(kitty).orElseThrow();
        assertThat(state.lastError()).isEqualTo(
                "admin/drive/files answered HTTP 403 AUTHENTICATION_FAILED: the API token is not valid");
        assertThat(state.errorAt()).isNotNull();
        assertThat(state.cursorId()).isNull();
        assertThat(count("SELECT COUNT(*) FROM media")).isZero();
    }

    @Test
    void an_answer_that_is_not_a_file_list_is_recorded_and_the_next_poll_recovers() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0), TOKEN);
        server.deps.misskeyPolls().poll(kitty, true);
        misskey.upload("9k0000000b", "image/jpeg", "https://files.example/b.jpg", "u2", "alice", null);
        misskey.answerNext("<html>502 Bad Gateway</html>");
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(0);
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().lastError())
                .isEqualTo("admin/drive/files did not answer a JSON array");
        misskey.answerNext("{\"files\": []}");
        server.deps.misskeyPolls().poll(kitty, true);
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().lastError())
                .isEqualTo("admin/drive/files did not answer a JSON array");
        // nothing was skipped meanwhile: the file is queued once the instance answers properly
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(1);
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().lastError()).isNull();
    }

    @Test
    void a_poll_is_not_repeated_before_it_is_due() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 60), TOKEN);
        assertThat(server.deps.misskeyPolls().poll(kitty, false)).isPresent();
        assertThat(server.deps.misskeyPolls().poll(kitty, false)).isEmpty();
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).isPresent();
        assertThat(misskey.calls("admin/drive/files")).hasSize(2);
    }

    @Test
    void the_schedule_polls_instances_by_itself() throws Exception {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 1), TOKEN);
        await("first poll", () -> server.deps.misskeyPolls().state(kitty).map(s -> s.polledAt() != null).orElse(false));
        misskey.upload("9k0000000z", "image/jpeg", media.put("/files/late.jpg",
                Webhooks.resource("/pdq/images/bridge-mods/square-256x256.jpg")), "u9", "late", null);
        await("the new image scanned", () -> count("SELECT COUNT(*) FROM media_overview WHERE state = 'done'") == 1);
    }

    @Test
    void an_admin_polls_now_by_api_and_reads_the_poll_state() throws Exception {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0), TOKEN);
        String admin = server.token("root", Scope.ADMIN);
        TestServer.Response first = server.postJson("/api/v1/instances/kitty/poll", admin, "");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("queued").asInt()).isZero();
        misskey.upload("9k0000000b", "image/jpeg", media.put("/files/new.jpg",
                Webhooks.resource("/pdq/images/misc-images/small.jpg")), "u2", "alice", null);
        assertThat(server.postJson("/api/v1/instances/kitty/poll", admin, "").json().get("queued").asInt()).isEqualTo(1);
        JsonNode poll = server.get("/api/v1/instances/kitty", admin).json().get("poll");
        assertThat(poll.get("files_queued").asInt()).isEqualTo(1);
        assertThat(poll.get("last_error").isNull()).isTrue();
        assertThat(poll.get("polled_at").asText()).isNotBlank();

        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://social.example",
                null, null, null, null, null));
        assertThat(server.postJson("/api/v1/instances/social/poll", admin, "").status()).isEqualTo(400);
        assertThat(server.postJson("/api/v1/instances/kitty/poll", server.token("scanner", Scope.SCAN), "").status())
                .isEqualTo(403);
        assertThat(server.postJson("/api/v1/instances/nope/poll", admin, "").status()).isEqualTo(404);
    }

    @Test
    void a_file_stored_after_a_newer_one_is_still_found() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0).with("ingest.workers", 0), TOKEN);
        misskey.upload("9k0000000a", "image/jpeg", "https://files.example/a.jpg", "u1", "old", null);
        server.deps.misskeyPolls().poll(kitty, true);
        // a quick upload is stored first; a slow one, whose id was made a moment earlier, arrives after it
        misskey.upload("9k0000000c", "image/jpeg", "https://files.example/c.jpg", "u2", "quick", null,
                Instant.now().minusSeconds(5));
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(1);
        misskey.upload("9k0000000b", "image/jpeg", "https://files.example/b.jpg", "u3", "slow", null,
                Instant.now().minusSeconds(20));
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(1);
        assertThat(count("SELECT COUNT(*) FROM media WHERE attachment_id IN ('9k0000000b', '9k0000000c')")).isEqualTo(2);
        // both are still recent: the stored position waits behind them
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().cursorId()).isEqualTo("9k0000000a");
    }

    @Test
    void a_file_without_a_date_on_a_later_page_does_not_move_the_cursor_past_recent_ones() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0).with("ingest.workers", 0), TOKEN);
        server.deps.misskeyPolls().poll(kitty, true);
        for (int i = 0; i < 100; i++) {
            misskey.upload(String.format("9k%08d", i), "image/png", "https://files.example/" + i + ".png", "u" + i,
                    "user" + i, null, Instant.now().minusSeconds(i < 90 ? 3600 : 5));
        }
        misskey.upload("9k00000100", "image/png", "https://files.example/100.png", "u100", "undated", null, null);
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(101);
        // the cursor waits before the first recent file, whatever comes after it
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().cursorId()).isEqualTo("9k00000089");
    }

    @Test
    void files_of_an_unexpected_shape_are_skipped_and_the_poll_goes_on() {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0).with("ingest.workers", 0), TOKEN);
        server.deps.misskeyPolls().poll(kitty, true);
        misskey.upload("9k00000001", "image/png", "https://files.example/1.png", "u".repeat(65), "long", null);
        misskey.upload("9k00000002", "image/png", "javascript:alert(1)", "u2", "odd", null);
        misskey.upload("9k00000003", "image/png", "https://files.example/3.png", "u3", "fine", null);
        assertThat(server.deps.misskeyPolls().poll(kitty, true)).contains(1);
        PollState state = server.deps.misskeyPolls().state(kitty).orElseThrow();
        assertThat(state.lastError()).isNull();
        assertThat(state.cursorId()).isEqualTo("9k00000003");
        assertThat(count("SELECT COUNT(*) FROM media WHERE attachment_id = '9k00000003'")).isEqualTo(1);
    }

    @Test
    void one_poll_at_a_time_and_a_poll_that_lost_its_lease_commits_nothing() throws Exception {
        Instance kitty = start(Config.defaults().with("misskey.poll_interval_s", 0).with("ingest.workers", 0), TOKEN);
        server.deps.misskeyPolls().poll(kitty, true);
        misskey.upload("9k00000001", "image/png", "https://files.example/1.png", "u1", "one", null);
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        misskey.holdNext(arrived, gate);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<java.util.Optional<Integer>> first = thread.submit(() -> server.deps.misskeyPolls().poll(kitty, true));
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            // the same node's "Poll now" while the timer's poll is under way: not a second poll
            assertThat(server.deps.misskeyPolls().poll(kitty, true)).isEmpty();
            // the first poll stalls past its lease and another poll takes over
            server.deps.database().jdbi().useHandle(h -> h.execute(
                    "UPDATE instance_polls SET lease_until = ?, leased_by = 'other-node:1'", Instant.now().minusSeconds(1)));
            gate.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).contains(0);
        } finally {
            thread.shutdownNow();
        }
        assertThat(count("SELECT COUNT(*) FROM media")).isZero();
        assertThat(server.deps.misskeyPolls().state(kitty).orElseThrow().cursorId()).isNotEqualTo("9k00000001");
    }
}
