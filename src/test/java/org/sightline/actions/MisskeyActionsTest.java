package org.sightline.actions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Decisions about media of a Misskey instance, carried out on a fake Misskey through its own API. */
class MisskeyActionsTest {
    @TempDir
    Path data;
    final FakeMisskey misskey = new FakeMisskey();
    TestServer server;
    String scanner;
    String admin;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        misskey.close();
    }

    /** A server with instance {@code mk} (kind misskey, with the fake's token) and a bank holding the bridge image. */
    private void start(String bankPolicy, List<String> labels) {
        // media arrive through the scan API here, not through polls of the fake
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.poll_ms", 50)
                .with("misskey.poll_interval_s", 0)
                .with("actions.backoff_ms", 100));
        server.deps.instances().add(new InstanceService.NewInstance("mk", "misskey", misskey.url(), null,
                FakeMisskey.TOKEN, null, null, null));
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", bankPolicy, "enforce", labels,
                null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", ActionsTest.BRIDGE_PDQ,
                labels, "PRIVATE NOTE never to be sent", null, null)), "test");
        // the instance's own integration: bound to it, so its media may make Sightline act there
        scanner = server.deps.tokens().create("misskey-bridge", java.util.Set.of(Scope.SCAN), null, "mk", "test").token();
        admin = server.token("admin", Scope.ADMIN);
    }

    /** Scans the bridge image the way a Misskey integration does: note id, user id and drive file id. */
    private JsonNode scan(String instance, String noteId, String userId, String fileId) {
        String b64 = Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        // a token bound to another instance could not name this one: the others get an unbound scan token
        String token = instance.equals("mk") ? scanner : server.token("bridge-" + instance + "-" + System.nanoTime(), Scope.SCAN);
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + b64
                + "\",\"instance\":\"" + instance + "\",\"status\":\"" + noteId + "\",\"account\":\"" + userId + "\""
                + (fileId == null ? "" : ",\"attachment\":\"" + fileId + "\"") + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private void request(long mediaId, String json) {
        TestServer.Response r = server.postJson("/api/v1/media/" + mediaId + "/actions", admin, json);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    /** The action's entry in the media document, once it has settled in {@code state}. */
    private JsonNode settled(long mediaId, String action, String state) throws InterruptedException {
        JsonNode[] found = new JsonNode[1];
        await(action + " " + state, () -> {
            for (JsonNode a : server.get("/api/v1/media/" + mediaId, admin).json().get("actions")) {
                if (a.get("action").asText().equals(action) && a.get("state").asText().equals(state)) {
                    found[0] = a;
                    return true;
                }
            }
            return false;
        });
        return found[0];
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
    void a_report_policy_match_files_exactly_one_abuse_report_with_the_evidence() throws Exception {
        start("report", List.of("csam"));
        JsonNode doc = scan("mk", "9note1", "9user1", "9file1");
        assertThat(doc.get("decision").asText()).isEqualTo("report");
        assertThat(doc.get("status").asText()).isEqualTo("9note1");
        assertThat(doc.get("account").asText()).isEqualTo("9user1");
        assertThat(doc.get("attachment").asText()).isEqualTo("9file1");
        JsonNode action = settled(doc.get("id").asLong(), "report", "done");
        assertThat(action.get("result").asText()).contains("user 9user1 reported");

        List<FakeMisskey.Call> reports = misskey.calls("users/report-abuse");
        assertThat(reports).hasSize(1);
        FakeMisskey.Call r = reports.get(0);
        assertThat(r.text("userId")).isEqualTo("9user1");
        assertThat(r.text("comment")).contains("known-bad").contains("distance 0").contains("csam")
                .contains("9note1").contains(misskey.url() + "/notes/9note1").doesNotContain("PRIVATE NOTE")
                .doesNotContain(FakeMisskey.TOKEN);
        // the token travels only as Misskey's body parameter
        assertThat(r.authorization()).isNull();
        assertThat(misskey.calls()).hasSize(1);
        assertThat(action.get("result").asText()).doesNotContain(FakeMisskey.TOKEN);
    }

    @Test
    void marks_the_matching_drive_file_sensitive() throws Exception {
        start("mark_sensitive", List.of("sexual"));
        misskey.note("9note2", new FakeMisskey.File("9file2", "0".repeat(32)));
        JsonNode doc = scan("mk", "9note2", "9user2", "9file2");
        JsonNode action = settled(doc.get("id").asLong(), "mark_sensitive", "done");
        assertThat(action.get("result").asText()).contains("drive file 9file2 marked sensitive");
        List<FakeMisskey.Call> updates = misskey.calls("drive/files/update");
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).text("fileId")).isEqualTo("9file2");
        assertThat(updates.get(0).body().get("isSensitive").asBoolean()).isTrue();
        assertThat(misskey.sensitive("9file2")).isTrue();
        // the drive file id was given, so the note was not read
        assertThat(misskey.calls("notes/show")).isEmpty();
    }

    @Test
    void without_a_drive_file_id_the_notes_file_with_the_same_md5_is_marked() throws Exception {
        start("review", List.of("sexual"));
        JsonNode doc = scan("mk", "9note3", "9user3", null);
        assertThat(doc.has("attachment")).isFalse();
        String md5 = doc.get("signals").get("md5").asText();
        misskey.note("9note3", new FakeMisskey.File("9other", "f".repeat(32)), new FakeMisskey.File("9same", md5.toUpperCase()));
        long mediaId = doc.get("id").asLong();
        request(mediaId, "{\"action\":\"mark_sensitive\"}");
        settled(mediaId, "mark_sensitive", "done");
        assertThat(misskey.calls("notes/show")).hasSize(1);
        assertThat(misskey.calls("notes/show").get(0).text("noteId")).isEqualTo("9note3");
        assertThat(misskey.calls("drive/files/update")).extracting(c -> c.text("fileId")).containsExactly("9same");
        assertThat(misskey.sensitive("9other")).isFalse();
    }

    @Test
    void a_note_with_several_files_none_of_them_the_scanned_one_is_not_guessed() throws Exception {
        start("review", List.of("sexual"));
        JsonNode doc = scan("mk", "9note4", "9user4", null);
        misskey.note("9note4", new FakeMisskey.File("9a", "a".repeat(32)), new FakeMisskey.File("9b", "b".repeat(32)));
        long mediaId = doc.get("id").asLong();
        request(mediaId, "{\"action\":\"mark_sensitive\"}");
        JsonNode action = settled(mediaId, "mark_sensitive", "failed");
        assertThat(action.get("result").asText()).contains("note 9note4 has 2 files and none with MD5")
                .contains("'attachment'");
        assertThat(misskey.calls("drive/files/update")).isEmpty();
    }

    @Test
    void deletes_the_note() throws Exception {
        start("review", List.of("spam"));
        misskey.note("9note5", new FakeMisskey.File("9file5", "0".repeat(32)));
        long mediaId = scan("mk", "9note5", "9user5", "9file5").get("id").asLong();
        request(mediaId, "{\"action\":\"delete\"}");
        JsonNode action = settled(mediaId, "delete", "done");
        assertThat(action.get("result").asText()).contains("note 9note5 deleted");
        assertThat(misskey.calls("notes/delete")).extracting(c -> c.text("noteId")).containsExactly("9note5");
        assertThat(misskey.hasNote("9note5")).isFalse();
    }

    @Test
    void deleting_a_note_that_is_already_gone_counts_as_done() throws Exception {
        start("review", List.of("spam"));
        long mediaId = scan("mk", "9gone", "9user6", "9file6").get("id").asLong();
        request(mediaId, "{\"action\":\"delete\"}");
        JsonNode action = settled(mediaId, "delete", "done");
        assertThat(action.get("result").asText()).contains("already gone");
        assertThat(action.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void a_refusal_fails_at_once_with_misskeys_error_code_in_the_media_document() throws Exception {
        start("review", List.of("spam"));
        misskey.note("9note7", new FakeMisskey.File("9file7", "0".repeat(32)));
        long mediaId = scan("mk", "9note7", "9user7", "9file7").get("id").asLong();
        misskey.failNext(400, "ACCESS_DENIED");
        request(mediaId, "{\"action\":\"mark_sensitive\"}");
        JsonNode action = settled(mediaId, "mark_sensitive", "failed");
        assertThat(action.get("result").asText()).isEqualTo("misskey mark_sensitive: HTTP 400 ACCESS_DENIED");
        assertThat(action.get("attempts").asInt()).isEqualTo(1);
        assertThat(misskey.sensitive("9file7")).isFalse();

        // a token the instance does not know: 403 AUTHENTICATION_FAILED, and the token is never repeated
        server.deps.instances().add(new InstanceService.NewInstance("mk-stale", "misskey", misskey.url(), null,
                "stale-token-789", null, null, null));
        long stale = scan("mk-stale", "9note7", "9user7", "9file7").get("id").asLong();
        request(stale, "{\"action\":\"delete\"}");
        JsonNode refused = settled(stale, "delete", "failed");
        assertThat(refused.get("result").asText()).isEqualTo("misskey delete: HTTP 403 AUTHENTICATION_FAILED")
                .doesNotContain("stale-token-789");
        assertThat(misskey.hasNote("9note7")).isTrue();
    }

    @Test
    void a_503_is_retried_and_then_done() throws Exception {
        start("report", List.of("spam"));
        misskey.failNext(503, "INTERNAL_ERROR");
        long mediaId = scan("mk", "9note8", "9user8", "9file8").get("id").asLong();
        JsonNode action = settled(mediaId, "report", "done");
        assertThat(action.get("attempts").asInt()).isEqualTo(2);
        assertThat(misskey.calls("users/report-abuse")).hasSize(2);
        assertThat(server.deps.audit().search("", "action_retry", "", Long.MAX_VALUE, 10)).hasSize(1);
    }

    @Test
    void suspend_suspends_the_user_and_silence_fails_with_the_reason() throws Exception {
        start("review", List.of("spam"));
        long mediaId = scan("mk", "9note9", "9user9", "9file9").get("id").asLong();
        request(mediaId, "{\"action\":\"account_action\",\"params\":{\"type\":\"suspend\"}}");
        JsonNode suspended = settled(mediaId, "account_action", "done");
        assertThat(suspended.get("result").asText()).contains("user 9user9 suspended");
        assertThat(misskey.calls("admin/suspend-user")).extracting(c -> c.text("userId")).containsExactly("9user9");

        long other = scan("mk", "9note10", "9user10", "9file10").get("id").asLong();
        request(other, "{\"action\":\"account_action\",\"params\":{\"type\":\"silence\"}}");
        JsonNode silenced = settled(other, "account_action", "failed");
        assertThat(silenced.get("result").asText()).isEqualTo("Misskey has no API for 'silence'; use suspend or its roles");
        assertThat(misskey.calls("admin/suspend-user")).hasSize(1);
    }

    @Test
    void an_instance_without_a_token_fails_with_connect_it_first() throws Exception {
        start("review", List.of("spam"));
        server.deps.instances().add(new InstanceService.NewInstance("mk-bare", "misskey", misskey.url(), null,
                null, null, null, null));
        long mediaId = scan("mk-bare", "9note11", "9user11", "9file11").get("id").asLong();
        request(mediaId, "{\"action\":\"report\"}");
        JsonNode action = settled(mediaId, "report", "failed");
        assertThat(action.get("result").asText()).contains("mk-bare has no API token: connect it first");
        assertThat(misskey.calls()).isEmpty();
    }
}
