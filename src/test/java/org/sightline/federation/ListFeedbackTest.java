package org.sightline.federation;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A subscriber's signed opinion on a shared entry reaches the publisher, one per entry per subscriber key. */
class ListFeedbackTest {
    static final String PDQ = TwoInstancesTest.BRIDGE_PDQ;

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    TestServer a;
    TestServer b;
    String adminA;
    String adminB;
    SigningKey keyA;
    SigningKey keyB;

    @BeforeEach
    void start() {
        keyA = new KeyFiles(dirA).generate(new SecureRandom());
        keyB = new KeyFiles(dirB).generate(new SecureRandom());
        a = new TestServer(Config.defaults().with("data.dir", dirA).with("lists.sync_interval_s", 0).with("ingest.workers", 0));
        b = new TestServer(Config.defaults().with("data.dir", dirB).with("lists.sync_interval_s", 0).with("ingest.workers", 0)
                .with("fetch.allow_private_addresses", true));
        adminA = a.token("admin-a", Scope.ADMIN);
        adminB = b.token("admin-b", Scope.ADMIN);
    }

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    /** A publishes one entry; B subscribes and syncs; returns B's bank entry id for it. */
    long sharedEntryOnB() {
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"confirmed\"}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/banks/confirmed/entries", adminA,
                "{\"signal_type\":\"pdq\",\"value\":\"" + PDQ + "\",\"labels\":[\"spam\"]}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/lists", adminA, "{\"name\":\"shared\",\"bank\":\"confirmed\",\"visibility\":\"public\"}")
                .status()).isEqualTo(201);
        TestServer.Response sub = b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base + "/lists/shared\","
                + "\"key\":\"" + keyA.keyId() + "\",\"mode\":\"observe\"}");
        assertThat(sub.status()).as(sub.body()).isEqualTo(201);
        long id = sub.json().get("id").asLong();
        assertThat(b.postJson("/api/v1/subscriptions/" + id + "/sync", adminB, "{}").status()).isEqualTo(200);
        String bank = b.get("/api/v1/subscriptions/" + id, adminB).json().get("bank").asText();
        return b.get("/api/v1/banks/" + bank + "/entries", adminB).json().get("entries").get(0).get("id").asLong();
    }

    JsonNode counts() {
        TestServer.Response r = a.get("/api/v1/lists/shared/feedback", adminA);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("entries");
    }

    @Test
    void a_subscribers_opinion_is_signed_counted_once_and_can_change_or_be_withdrawn() {
        long entry = sharedEntryOnB();
        TestServer.Response sent = b.postJson("/api/v1/subscriptions/feedback", adminB,
                "{\"entry_id\": " + entry + ", \"opinion\": \"false_positive\", \"reason\": \"a bridge, not spam\"}");
        assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        assertThat(sent.json().get("publisher_status").asInt()).isEqualTo(202);
        JsonNode c = counts();
        assertThat(c).hasSize(1);
        assertThat(c.get(0).get("seq").asLong()).isEqualTo(1);
        assertThat(c.get(0).get("value").asText()).isEqualTo(PDQ);
        assertThat(c.get(0).get("false_positive").asLong()).isEqualTo(1);

        // the same subscriber again: its opinion is replaced, not counted twice
        b.postJson("/api/v1/subscriptions/feedback", adminB, "{\"entry_id\": " + entry + ", \"opinion\": \"disputed\"}");
        c = counts();
        assertThat(c.get(0).get("false_positive").asLong()).isZero();
        assertThat(c.get(0).get("disputed").asLong()).isEqualTo(1);
        b.postJson("/api/v1/subscriptions/feedback", adminB, "{\"entry_id\": " + entry + ", \"opinion\": \"none\"}");
        assertThat(counts()).isEmpty();

        assertThat(a.deps.audit().search(null, "list_feedback", null, Long.MAX_VALUE, 10)).hasSize(3);
        assertThat(b.deps.audit().search("token:admin-b", "list_feedback_send", null, Long.MAX_VALUE, 10)).hasSize(3);
    }

    int post(byte[] body, String signature, String keyId) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(a.base + "/lists/shared/feedback"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
        if (signature != null) req.header("Sightline-Signature", signature);
        if (keyId != null) req.header("Sightline-Key-Id", keyId);
        return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void forged_misdirected_stale_or_unknown_opinions_are_refused() throws Exception {
        sharedEntryOnB();
        String listId = a.base + "/lists/shared";
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        byte[] good = ListFormat.feedback(listId, 1, "false_positive", keyB.publicKey(), null, now);
        // signed by another key than the one it carries
        assertThat(post(good, keyA.signBase64(good), keyB.keyId())).isEqualTo(401);
        assertThat(post(good, null, null)).isEqualTo(401);
        // another list's id
        byte[] other = ListFormat.feedback(a.base + "/lists/other", 1, "false_positive", keyB.publicKey(), null, now);
        assertThat(post(other, keyB.signBase64(other), keyB.keyId())).isEqualTo(400);
        // a replay from two days ago
        byte[] stale = ListFormat.feedback(listId, 1, "disputed", keyB.publicKey(), null,
                Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString());
        assertThat(post(stale, keyB.signBase64(stale), keyB.keyId())).isEqualTo(400);
        // an entry the list never added
        byte[] unknown = ListFormat.feedback(listId, 99, "disputed", keyB.publicKey(), null, now);
        assertThat(post(unknown, keyB.signBase64(unknown), keyB.keyId())).isEqualTo(404);
        assertThat(counts()).isEmpty();
        assertThat(post(good, keyB.signBase64(good), keyB.keyId())).isEqualTo(202);
        assertThat(counts()).hasSize(1);
    }

    @Test
    void a_key_alternating_opinions_on_one_entry_is_still_limited() throws Exception {
        sharedEntryOnB();
        String listId = a.base + "/lists/shared";
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String[] opinions = {"false_positive", "none", "disputed"};
        for (int i = 0; i < ListFeedback.PER_KEY_PER_HOUR; i++) {
            byte[] doc = ListFormat.feedback(listId, 1, opinions[i % opinions.length], keyB.publicKey(), null, now);
            assertThat(post(doc, keyB.signBase64(doc), keyB.keyId())).as("request " + (i + 1)).isEqualTo(202);
        }
        byte[] doc = ListFormat.feedback(listId, 1, "false_positive", keyB.publicKey(), null, now);
        assertThat(post(doc, keyB.signBase64(doc), keyB.keyId())).isEqualTo(429);
    }
}
