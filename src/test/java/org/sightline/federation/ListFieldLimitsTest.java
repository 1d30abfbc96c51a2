package org.sightline.federation;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Signed list documents with fields longer than Sightline stores (a clear outcome, never an empty last_error), and the subscription API's own inputs. */
class ListFieldLimitsTest {
    @TempDir
    Path dir;
    TestServer b;
    String admin;
    final FakePublisher pub = new FakePublisher();
    final SigningKey key = SigningKey.generate(new SecureRandom());

    @BeforeEach
    void start() {
        b = new TestServer(Config.defaults().with("data.dir", dir).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true));
        admin = b.token("admin", Scope.ADMIN);
        pub.serveKey(key.publicKey(), null);
    }

    @AfterEach
    void stop() {
        pub.close();
        b.close();
    }

    private long subscribe(ListFormat.Header header, List<ListFormat.Change> entries) {
        pub.serveSigned("/lists/l", ListFormat.snapshot(header, 1, entries), key, 1);
        TestServer.Response r = b.postJson("/api/v1/subscriptions", admin, "{\"url\":\"" + pub.listUrl + "\",\"key\":\""
                + key.publicKey().base64() + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    @Test
    void a_3000_character_note_is_truncated_and_the_entry_synced() {
        ListFormat.Change add = FakePublisher.add(1, SafetyTest.H3);
        ListFormat.Change longNote = new ListFormat.Change(add.seq(), add.op(), add.signalType(), add.value(),
                add.labels(), "n".repeat(3000), add.time(), null);
        long sub = subscribe(pub.header(key), List.of(longNote));
        TestServer.Response r = b.postJson("/api/v1/subscriptions/" + sub + "/sync", admin, "{}");
        assertThat(r.status()).as(r.body()).isLessThan(300);
        String bank = b.get("/api/v1/subscriptions/" + sub, admin).json().get("bank").asText();
        JsonNode entries = b.get("/api/v1/banks/" + bank + "/entries", admin).json().get("entries");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("note").asText()).hasSizeLessThanOrEqualTo(2000).startsWith("nnn");
    }

    @Test
    void a_300_character_publisher_fails_the_sync_with_a_clear_last_error() {
        ListFormat.Header h = pub.header(key);
        long sub = subscribe(new ListFormat.Header(h.id(), h.name(), h.description(), "p".repeat(300), h.keyId()),
                List.of(FakePublisher.add(1, SafetyTest.H3)));
        TestServer.Response r = b.postJson("/api/v1/subscriptions/" + sub + "/sync", admin, "{}");
        assertThat(r.status()).as(r.body()).isLessThan(500);
        String lastError = b.get("/api/v1/subscriptions/" + sub, admin).json().get("last_error").asText("");
        assertThat(lastError).contains("publisher").contains("200");
    }

    @Test
    void a_subscription_url_longer_than_an_entry_can_record_is_refused_up_front() {
        TestServer.Response r = b.postJson("/api/v1/subscriptions", admin, "{\"url\":\"" + pub.listUrl + "/"
                + "x".repeat(300) + "\",\"key\":\"" + key.publicKey().base64() + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
    }

    @Test
    void paused_must_be_a_boolean() {
        long sub = subscribe(pub.header(key), List.of(FakePublisher.add(1, SafetyTest.H3)));
        assertThat(b.send("PATCH", "/api/v1/subscriptions/" + sub, admin, "application/json", "{\"paused\": true}", null)
                .status()).isEqualTo(200);
        for (String value : new String[]{"\"yes please\"", "\"false\"", "0", "null", "{}"}) {
            TestServer.Response r = b.send("PATCH", "/api/v1/subscriptions/" + sub, admin, "application/json",
                    "{\"paused\": " + value + "}", null);
            assertThat(r.status()).as(value + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("message").asText()).contains("paused");
        }
        assertThat(b.get("/api/v1/subscriptions/" + sub, admin).json().get("paused").asBoolean()).isTrue();
    }
}
