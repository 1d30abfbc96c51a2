package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.audit.AuditEvent;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.federation.KeyFiles;
import org.sightline.federation.SigningKey;
import org.sightline.access.Role;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The admins' /subscriptions page, against a second server that publishes a list. */
class SubscriptionsPanelTest {
    static final String PASSWORD = "correct horse battery";
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    TestServer a;
    TestServer b;
    SigningKey keyA;
    PanelClient ada;
    String adminA;

    @BeforeEach
    void start() {
        keyA = new KeyFiles(dirA).generate(new SecureRandom());
        a = new TestServer(Config.defaults().with("data.dir", dirA).with("lists.sync_interval_s", 0));
        b = new TestServer(Config.defaults().with("data.dir", dirB).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true));
        adminA = a.token("admin-a", Scope.ADMIN);
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"confirmed\",\"kind\":\"local\"}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/banks/confirmed/entries", adminA, "{\"signal_type\":\"pdq\",\"value\":\""
                + BRIDGE_PDQ + "\",\"labels\":[\"spam\"]}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/lists", adminA, "{\"name\":\"shared\",\"bank\":\"confirmed\"}").status()).isEqualTo(201);
        b.deps.users().create("ada", Role.ADMIN, PASSWORD);
        b.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        ada = login("ada");
        ada.get("/subscriptions");
    }

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    PanelClient login(String name) {
        PanelClient c = new PanelClient(b.base);
        assertThat(c.login(name, PASSWORD).status()).isIn(302, 303);
        return c;
    }

    long subscribe(String key) {
        PanelClient.Page r = ada.postForm("/subscriptions", "url", a.base + "/lists/shared", "key", key);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("Subscribed to");
        return b.deps.subscriptions().list().get(b.deps.subscriptions().list().size() - 1).id();
    }

    static long jobId(String body) {
        Matcher m = Pattern.compile("\\(job (\\d+)\\)").matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Polls the job as the page's script does until it ends. */
    JsonNode awaitFinished(long id) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            PanelClient.Page p = ada.get("/jobs/" + id);
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            JsonNode job = new ObjectMapper().readTree(p.body());
            String state = job.path("state").asText();
            if (!state.equals("queued") && !state.equals("running")) return job;
            assertThat(System.nanoTime()).as("job " + id + " still " + state).isLessThan(until);
            Thread.sleep(50);
        }
    }

    /** "Sync now" queues a list_sync job and answers at once; waits for the job to finish. */
    JsonNode syncNow(long id) throws Exception {
        PanelClient.Page sync = ada.postForm("/subscriptions/" + id + "/sync");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.body()).contains("Sync of subscription " + id + " started");
        JsonNode job = awaitFinished(jobId(sync.body()));
        assertThat(job.path("kind").asText()).isEqualTo("list_sync");
        assertThat(job.path("subject").asText()).isEqualTo("subscription:" + id);
        return job;
    }

    List<AuditEvent> audit(String action) {
        return b.deps.audit().search("", action, "", Long.MAX_VALUE, 100);
    }

    @Test
    void a_sync_shows_its_added_count_and_samples_and_enforce_is_switched_on_with_an_audit_event() throws Exception {
        long id = subscribe(keyA.keyId());
        assertThat(b.deps.subscriptions().bank(b.deps.subscriptions().get(id)).mode().wireName()).isEqualTo("observe");
        assertThat(audit("subscription_add")).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("ada"));

        JsonNode job = syncNow(id);
        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("done");
        assertThat(job.path("done").asLong()).isEqualTo(1); // one change read and applied
        assertThat(job.path("total").asLong()).isEqualTo(1);
        assertThat(b.deps.banks().countActive(b.deps.subscriptions().get(id).bankId())).isEqualTo(1);
        String page = ada.get("/subscriptions").body();
        assertThat(page).contains("<td class=\"added\">1</td>").contains(BRIDGE_PDQ).contains(keyA.keyId())
                .contains("id=\"mode-" + id + "\">observe").doesNotContain("Last sync failed")
                .contains("data-job=\"" + job.path("id").asLong() + "\" data-state=\"done\"");

        PanelClient.Page enforce = ada.postForm("/subscriptions/" + id + "/mode", "mode", "enforce");
        assertThat(enforce.status()).isEqualTo(200);
        assertThat(enforce.body()).contains("id=\"mode-" + id + "\">enforce");
        assertThat(b.deps.subscriptions().bank(b.deps.subscriptions().get(id)).mode().wireName()).isEqualTo("enforce");
        assertThat(audit("subscription_mode")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("ada");
            assertThat(e.target()).isEqualTo("subscription:" + id);
            assertThat(e.detail()).isEqualTo("mode=enforce");
        });

        assertThat(ada.postForm("/subscriptions/" + id + "/pause", "paused", "true").body()).contains("paused.");
        assertThat(b.deps.subscriptions().get(id).paused()).isTrue();
        assertThat(ada.postForm("/subscriptions/" + id + "/pause", "paused", "false").body()).contains("resumed.");
        assertThat(b.deps.subscriptions().get(id).paused()).isFalse();

        assertThat(a.postJson("/api/v1/banks/confirmed/entries", adminA, "{\"signal_type\":\"pdq\",\"value\":\""
                + "0f0f0f31e0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\",\"labels\":[\"spam\"]}").status()).isEqualTo(201);
        assertThat(syncNow(id).path("state").asText()).isEqualTo("done");
        assertThat(b.deps.subscriptions().get(id).lastSeq()).isEqualTo(2);
        PanelClient.Page rollback = ada.postForm("/subscriptions/" + id + "/rollback", "sequence", "1");
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(rollback.body()).contains("back to sequence 1: 0 re-added, 1 retracted");
        assertThat(b.deps.subscriptions().get(id).lastSeq()).isEqualTo(1);
        assertThat(audit("subscription_rollback")).hasSize(1);
        // per sync: the admin's ask (with the job's id), then what the job did
        List<AuditEvent> syncs = audit("subscription_sync");
        assertThat(syncs).hasSize(4).allSatisfy(e -> assertThat(e.actor()).isEqualTo("ada"));
        assertThat(syncs).anySatisfy(e -> assertThat(e.detail()).matches("job=\\d+ from=1 to=2 added=1 retracted=0"));
        assertThat(ada.postForm("/subscriptions/" + id + "/rollback", "sequence", "0").status()).isEqualTo(400);
    }

    @Test
    void entries_of_unknown_signal_types_are_skipped_and_the_page_says_how_many_and_which() throws Exception {
        // a newer publisher: its list holds a pdq entry and two of a type this Sightline does not know
        SigningKey key = SigningKey.generate(new SecureRandom());
        HttpServer newer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String url = "http://127.0.0.1:" + newer.getAddress().getPort() + "/lists/newer";
        byte[] snapshot = org.sightline.federation.ListFormat.snapshot(
                new org.sightline.federation.ListFormat.Header(url, "newer", null, "newer.example", key.keyId()), 3,
                List.of(new org.sightline.federation.ListFormat.Change(1, null, "pdq", BRIDGE_PDQ, List.of("spam"), null,
                                "2026-01-01T00:00:00Z", null),
                        new org.sightline.federation.ListFormat.Change(2, null, "tmk", "AAAA", List.of("spam"), null,
                                "2026-01-01T00:00:00Z", null),
                        new org.sightline.federation.ListFormat.Change(3, null, "tmk", "BBBB", List.of("spam"), null,
                                "2026-01-01T00:00:00Z", null)));
        newer.createContext("/lists/newer", ex -> {
            ex.getResponseHeaders().set("Sightline-Signature", key.signBase64(snapshot));
            ex.getResponseHeaders().set("Sightline-Key-Id", key.keyId());
            ex.getResponseHeaders().set("Sightline-Sequence", "3");
            ex.sendResponseHeaders(200, snapshot.length);
            ex.getResponseBody().write(snapshot);
            ex.close();
        });
        newer.start();
        try {
            PanelClient.Page r = ada.postForm("/subscriptions", "url", url, "key", key.publicKey().base64());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            long id = b.deps.subscriptions().list().get(0).id();
            JsonNode job = syncNow(id);
            assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("done");
            String page = ada.get("/subscriptions").body();
            assertThat(page).contains("id=\"last-notice-" + id + "\"")
                    .contains("skipped 2 entries of unknown types (tmk)")
                    .doesNotContain("id=\"last-error-" + id + "\"");
            assertThat(page).contains("<td class=\"added\">1</td>");
        } finally {
            newer.stop(0);
        }
    }

    @Test
    void a_sync_refused_for_a_wrong_pinned_key_shows_the_error_on_its_job_and_adds_nothing() throws Exception {
        // a key that is neither the list's nor this instance's own
        String otherKey = SigningKey.generate(new SecureRandom()).keyId();
        long id = subscribe(otherKey);
        JsonNode job = syncNow(id);
        assertThat(job.path("state").asText()).isEqualTo("failed");
        assertThat(job.path("error").asText()).startsWith("sync refused: ");
        String page = ada.get("/subscriptions").body();
        assertThat(page).contains("id=\"last-error-" + id + "\"").contains("Last sync failed")
                .contains("data-state=\"failed\"").contains("class=\"tag warn job-error\">sync refused: ");
        assertThat(b.deps.subscriptions().get(id).lastSeq()).isZero();
        assertThat(b.deps.banks().countActive(b.deps.subscriptions().get(id).bankId())).isZero();
        assertThat(audit("subscription_sync")).anySatisfy(e -> assertThat(e.detail()).matches("job=\\d+ refused: .+"));
    }

    @Test
    void a_second_sync_now_while_one_runs_starts_no_other_job_and_the_button_waits() throws Exception {
        // a publisher that holds its answer until the test lets it go
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.createContext("/", ex -> {
            asked.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        slow.start();
        try {
            PanelClient.Page r = ada.postForm("/subscriptions", "url", "http://127.0.0.1:" + slow.getAddress().getPort()
                    + "/lists/slow", "key", keyA.keyId());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            long id = b.deps.subscriptions().list().get(0).id();
            PanelClient.Page first = ada.postForm("/subscriptions/" + id + "/sync");
            long job = jobId(first.body());
            assertThat(asked.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(ada.get("/subscriptions").body()).contains("data-job=\"" + job + "\" data-state=\"running\"")
                    .contains("disabled title=\"a sync of this subscription is running\"");
            // fetching: nothing counted yet, the total unknown until the list is read
            assertThat(b.deps.jobs().find(job).orElseThrow()).satisfies(j -> {
                assertThat(j.done()).isZero();
                assertThat(j.total()).isNull();
                assertThat(j.cursor()).isEqualTo("fetching");
            });
            PanelClient.Page again = ada.postForm("/subscriptions/" + id + "/sync");
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.body()).contains("already queued or running (job " + job + "); no other was started");
            assertThat(b.deps.jobs().recent("subscription:" + id, 10)).hasSize(1);
            release.countDown();
            JsonNode done = awaitFinished(job);
            assertThat(done.path("state").asText()).isEqualTo("failed");
            assertThat(done.path("error").asText()).startsWith("sync refused: ");
        } finally {
            release.countDown();
            slow.stop(0);
        }
    }

    @Test
    void moderators_cannot_reach_the_subscriptions_page_and_bad_input_is_shown_not_thrown() {
        PanelClient mia = login("mia");
        assertThat(mia.get("/subscriptions").status()).isEqualTo(403);
        mia.get("/queue");
        assertThat(mia.postForm("/subscriptions", "url", a.base + "/lists/shared", "key", keyA.keyId()).status()).isEqualTo(403);
        assertThat(b.deps.subscriptions().list()).isEmpty();

        PanelClient.Page bad = ada.postForm("/subscriptions", "url", "not a url", "key", keyA.keyId());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("subscription-error");
        assertThat(ada.postForm("/subscriptions/999/sync").status()).isEqualTo(404);
    }

    @Test
    void an_admin_sets_a_publishers_trust_on_the_page_audited_and_a_bad_level_is_refused() {
        long id = subscribe(keyA.keyId());
        assertThat(ada.get("/subscriptions").body()).contains("id=\"trust-" + id + "\">normal<");
        PanelClient.Page set = ada.postForm("/subscriptions/" + id + "/trust", "trust", "high");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body()).contains("is now trusted high").contains("id=\"trust-" + id + "\">high<");
        assertThat(b.deps.trust().forSubscription(id)).isEqualTo("high");
        assertThat(audit("trust_set")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("ada");
            assertThat(e.detail()).isEqualTo("trust=high");
        });
        PanelClient.Page bad = ada.postForm("/subscriptions/" + id + "/trust", "trust", "total");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("trust must be low, normal or high");
        assertThat(b.deps.trust().forSubscription(id)).isEqualTo("high");
        // moderators do not reach it
        PanelClient mia = login("mia");
        mia.get("/queue");
        assertThat(mia.postForm("/subscriptions/" + id + "/trust", "trust", "low").status()).isEqualTo(403);
    }
}
