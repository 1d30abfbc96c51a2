package org.sightline.actions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.access.User;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;
import org.sightline.review.ReviewService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #18: a retraction undoes the automatic actions its entry caused, where the platform allows it, on a fake
 * Mastodon and a fake Misskey. Automatic actions beyond the bank policies' (an account action, a delete) are
 * requested as Sightline itself requests them, with the real {@link ActionQueue}, and carried out by the executor.
 */
class RetractionUndoTest {
    @TempDir
    Path data;
    final FakeMastodon mastodon = new FakeMastodon();
    final FakeMisskey misskey = new FakeMisskey();
    TestServer server;
    String admin;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        mastodon.close();
        misskey.close();
    }

    private void start(String policy, String... banks) {
        start(100, policy, banks);
    }

    private void start(int backoffMs, String policy, String... banks) {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.poll_ms", 50)
                .with("misskey.poll_interval_s", 0).with("actions.backoff_ms", backoffMs));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(), Webhooks.SECRET,
                FakeMastodon.TOKEN, null, null, null));
        server.deps.instances().add(new InstanceService.NewInstance("mk", "misskey", misskey.url(), null,
                FakeMisskey.TOKEN, null, null, null));
        for (String bank : banks) {
            server.deps.banks().create(new BankService.BankSpec(bank, "local", policy, "enforce", List.of("spam"),
                    null, null, null));
        }
        admin = server.token("admin", Scope.ADMIN);
    }

    private long addEntry(String bank) {
        return server.deps.banks().addEntries(bank, List.of(new BankService.NewEntry("pdq", ActionsTest.BRIDGE_PDQ,
                List.of("spam"), null, null, null)), "test").get(0).id();
    }

    /** Scans the bridge image as the instance's own integration does (a token bound to it). */
    private long scan(String instance, String status, String account, String file) {
        String token = server.deps.tokens().create("bridge-" + status, Set.of(Scope.SCAN), null, instance, "test").token();
        String b64 = Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + b64
                + "\",\"instance\":\"" + instance + "\",\"status\":\"" + status + "\",\"account\":\"" + account + "\""
                + (file == null ? "" : ",\"attachment\":\"" + file + "\"") + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("matches")).isNotEmpty();
        return r.json().get("id").asLong();
    }

    /** What Sightline requests on its own (as a bank policy allowing it would). */
    private void automatic(long mediaId, String action, String params) {
        new ActionQueue(server.deps.database().jdbi()).request(mediaId, null, action, params, "sightline", Instant.now());
        server.deps.actions().wake();
    }

    private void retract(String bank, long entry) {
        TestServer.Response r = server.send("DELETE", "/api/v1/banks/" + bank + "/entries/" + entry, admin, null, null, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private String state(long mediaId, String action) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT state FROM action_requests WHERE media_id = :m AND action = :a").bind("m", mediaId)
                .bind("a", action).mapTo(String.class).findOne().orElse("none"));
    }

    private long caseId(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM cases WHERE media_id = :m")
                .bind("m", mediaId).mapTo(Long.class).one());
    }

    private String caseState(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT state FROM cases WHERE media_id = :m")
                .bind("m", mediaId).mapTo(String.class).one());
    }

    private String notes(long mediaId) {
        List<String> notes = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT n.note FROM case_notes n JOIN cases c ON c.id = n.case_id WHERE c.media_id = :m ORDER BY n.id")
                .bind("m", mediaId).mapTo(String.class).list());
        return String.join("\n", notes);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(25);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @Test
    void an_automatic_silence_is_undone_on_mastodon_when_its_only_evidence_is_retracted() throws Exception {
        start("review", "suspect");
        long entry = addEntry("suspect");
        long media = scan("social", "7001", "acct7001", null);
        automatic(media, "account_action", "{\"type\":\"silence\"}");
        await("silence done", () -> state(media, "account_action").equals("done"));
        assertThat(mastodon.calls("/api/v1/admin/accounts/acct7001/action")).singleElement()
                .satisfies(c -> assertThat(c.one("type")).isEqualTo("silence"));

        retract("suspect", entry);

        assertThat(caseState(media)).isEqualTo("decided");
        assertThat(notes(media)).contains("account_action (done): undo requested").doesNotContain("NOT undone");
        await("unsilence done", () -> state(media, "undo_account_action").equals("done"));
        assertThat(mastodon.calls("/api/v1/admin/accounts/acct7001/un")).singleElement().satisfies(c -> {
            assertThat(c.method()).isEqualTo("POST");
            assertThat(c.path()).isEqualTo("/api/v1/admin/accounts/acct7001/unsilence");
        });
        // the undo is an action request like any other: on the media's actions, with its attempts audited
        assertThat(server.get("/api/v1/media/" + media, admin).json().get("actions").findValuesAsText("action"))
                .contains("account_action", "undo_account_action");
        assertThat(server.deps.audit().search("mastodon_account_action", "action_done", "media:" + media, Long.MAX_VALUE, 10))
                .anySatisfy(e -> assertThat(e.detail()).startsWith("undo_account_action attempt 1"));
        assertThat(server.deps.audit().search("sightline", "action_request", "media:" + media, Long.MAX_VALUE, 10))
                .singleElement().satisfies(e -> assertThat(e.detail()).contains("undo_account_action"));
    }

    @Test
    void a_moderators_account_actions_are_not_undone() throws Exception {
        start("review", "suspect");
        long entry = addEntry("suspect");
        long decided = scan("social", "7002", "acct7002", null);
        long open = scan("social", "7003", "acct7003", null);
        User mia = server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        server.deps.review().open(caseId(decided), mia);
        server.deps.review().confirm(caseId(decided), mia, new ReviewService.Confirm(List.of("spam"), null,
                List.of("account_silence"), "seen"));
        // an admin's choice through the API, on a case still open
        TestServer.Response r = server.postJson("/api/v1/media/" + open + "/actions", admin,
                "{\"action\":\"account_action\",\"params\":{\"type\":\"suspend\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        await("both done", () -> state(decided, "account_action").equals("done") && state(open, "account_action").equals("done"));

        retract("suspect", entry);

        assertThat(caseState(open)).isEqualTo("decided"); // closed: nothing left
        assertThat(state(decided, "undo_account_action")).isEqualTo("none");
        assertThat(state(open, "undo_account_action")).isEqualTo("none");
        assertThat(notes(decided)).contains("retracted after this case was decided");
        assertThat(mastodon.calls("/api/v1/admin/accounts/acct7002/un")).isEmpty();
        assertThat(mastodon.calls("/api/v1/admin/accounts/acct7003/un")).isEmpty();
    }

    @Test
    void a_filed_report_is_noted_as_not_undoable() throws Exception {
        start("report", "suspect");
        long entry = addEntry("suspect");
        long media = scan("social", "7004", "acct7004", null);
        await("report done", () -> state(media, "report").equals("done"));

        retract("suspect", entry);

        assertThat(notes(media)).contains("report (done): NOT undone: a filed report cannot be withdrawn");
        assertThat(state(media, "undo_report")).isEqualTo("none");
    }

    @Test
    void on_misskey_a_suspension_and_a_sensitive_mark_are_undone_and_a_delete_is_noted_as_final() throws Exception {
        start("mark_sensitive", "suspect");
        long entry = addEntry("suspect");
        misskey.note("9note1", new FakeMisskey.File("9file1", "0".repeat(32)));
        long media = scan("mk", "9note1", "9user1", "9file1");
        await("marked", () -> state(media, "mark_sensitive").equals("done"));
        assertThat(misskey.sensitive("9file1")).isTrue();
        automatic(media, "account_action", "{\"type\":\"suspend\"}");
        automatic(media, "delete", null);
        await("suspended and deleted", () -> state(media, "account_action").equals("done")
                && state(media, "delete").equals("done"));

        retract("suspect", entry);

        assertThat(notes(media)).contains("mark_sensitive (done): undo requested")
                .contains("account_action (done): undo requested")
                .contains("delete (done): NOT undone: a deleted post cannot be restored");
        await("undone", () -> state(media, "undo_account_action").equals("done")
                && state(media, "undo_mark_sensitive").equals("done"));
        assertThat(misskey.calls("admin/unsuspend-user")).singleElement()
                .satisfies(c -> assertThat(c.text("userId")).isEqualTo("9user1"));
        assertThat(misskey.sensitive("9file1")).isFalse();
        assertThat(state(media, "undo_delete")).isEqualTo("none");
    }

    @Test
    void a_case_that_still_stands_on_other_evidence_keeps_its_automatic_action() throws Exception {
        start("review", "suspect", "also");
        long entry = addEntry("suspect");
        addEntry("also");
        long media = scan("social", "7005", "acct7005", null);
        automatic(media, "account_action", "{\"type\":\"silence\"}");
        await("silence done", () -> state(media, "account_action").equals("done"));

        retract("suspect", entry);

        assertThat(caseState(media)).isEqualTo("open");
        assertThat(notes(media)).contains("other evidence remains")
                .contains("account_action (done) was kept: the case still stands on other evidence");
        assertThat(state(media, "undo_account_action")).isEqualTo("none");
        assertThat(mastodon.calls("/api/v1/admin/accounts/acct7005/un")).isEmpty();
    }

    @Test
    void an_automatic_action_still_waiting_to_be_retried_is_cancelled_instead() throws Exception {
        start(3_600_000, "report", "suspect"); // the retry after a failure waits an hour
        long entry = addEntry("suspect");
        mastodon.failNext(503);
        long media = scan("social", "7006", "acct7006", null);
        await("first attempt failed, retry pending", () -> state(media, "report").equals("pending")
                && mastodon.calls("/api/v1/reports").size() == 1);

        retract("suspect", entry);

        assertThat(state(media, "report")).isEqualTo("failed");
        assertThat(notes(media)).contains("report (pending): cancelled before it was carried out");
        assertThat(server.deps.audit().search("sightline", "action_cancel", "media:" + media, Long.MAX_VALUE, 5))
                .hasSize(1);
        assertThat(server.get("/api/v1/media/" + media, admin).json().get("actions").get(0).get("result").asText())
                .isEqualTo("cancelled: its evidence was retracted");
    }
}
