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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every way a list document can be wrong is refused with a clear error, and the subscriber's bank stays as it was. */
class TamperingTest {
    static final String H1 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final String H2 = "30a10efd71cc3d429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af";
    static final String H3 = "adad5a64b5a142e75b62a09857da895ae63b847fc23794b766b319361bc93188";

    @TempDir
    Path dir;
    TestServer b;
    String admin;
    FakePublisher pub;
    final SecureRandom random = new SecureRandom();
    SigningKey key;
    long sub;

    @BeforeEach
    void start() {
        b = new TestServer(Config.defaults().with("data.dir", dir).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true));
        admin = b.token("admin", Scope.ADMIN);
        pub = new FakePublisher();
        key = SigningKey.generate(random);
        pub.serveKey(key.publicKey(), null);
        // a good first sync: snapshot at 2 with two entries
        pub.serveSigned("/lists/l", ListFormat.snapshot(pub.header(key), 2,
                List.of(FakePublisher.add(1, H1), FakePublisher.add(2, H2))), key, 2);
        sub = b.postJson("/api/v1/subscriptions", admin, "{\"url\":\"" + pub.listUrl + "\",\"key\":\"" + key.keyId()
                + "\",\"mode\":\"enforce\"}").json().get("id").asLong();
        TestServer.Response first = sync();
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("added").asInt()).isEqualTo(2);
    }

    @AfterEach
    void stop() {
        pub.close();
        b.close();
    }

    TestServer.Response sync() {
        return b.postJson("/api/v1/subscriptions/" + sub + "/sync", admin, "{}");
    }

    List<String> activeValues() {
        String bank = b.get("/api/v1/subscriptions/" + sub, admin).json().get("bank").asText();
        List<String> out = new ArrayList<>();
        for (JsonNode e : b.get("/api/v1/banks/" + bank + "/entries", admin).json().get("entries")) out.add(e.get("value").asText());
        return out;
    }

    /** The sync is refused with {@code reason}, stored on the subscription, and the bank still holds H1 and H2 at 2. */
    void assertRefused(String reason) {
        TestServer.Response r = sync();
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("message").asText()).contains(reason);
        JsonNode s = b.get("/api/v1/subscriptions/" + sub, admin).json();
        assertThat(s.get("last_error").asText()).contains(reason);
        assertThat(s.get("sequence").asLong()).isEqualTo(2);
        assertThat(activeValues()).containsExactly(H1, H2);
    }

    byte[] page(long since, long seq, long latest, List<ListFormat.Change> changes) {
        return ListFormat.changes(pub.header(key), since, seq, latest, null, changes);
    }

    @Test
    void a_document_with_one_changed_byte_is_refused() {
        byte[] good = page(2, 3, 3, List.of(FakePublisher.add(3, H3)));
        String sig = key.signBase64(good);
        byte[] bad = good.clone();
        int at = new String(bad).indexOf(H3) + 5;
        bad[at] = (byte) (bad[at] == 'a' ? 'b' : 'a');
        pub.serveRaw("/lists/l/changes?since=2", bad, java.util.Map.of(ListFormat.SIGNATURE_HEADER, sig,
                ListFormat.KEY_ID_HEADER, key.keyId()));
        assertRefused("bad signature");
    }

    @Test
    void a_replayed_older_snapshot_is_refused() {
        byte[] old = ListFormat.snapshot(pub.header(key), 1, List.of(FakePublisher.add(1, H1)));
        pub.serveSigned("/lists/l/changes?since=2", old, key, 1);
        assertRefused("sequence went backwards");
    }

    @Test
    void a_replayed_older_page_of_changes_is_refused() {
        pub.serveSigned("/lists/l/changes?since=2", page(0, 1, 1, List.of(FakePublisher.add(1, H1))), key, 1);
        assertRefused("sequence went backwards");
    }

    @Test
    void a_sequence_gap_is_refused() {
        pub.serveSigned("/lists/l/changes?since=2", page(2, 4, 4, List.of(FakePublisher.add(4, H3))), key, 4);
        assertRefused("sequence skips from 2 to 4");
    }

    @Test
    void a_retraction_of_an_unknown_entry_is_refused_and_nothing_of_its_page_applies() {
        pub.serveSigned("/lists/l/changes?since=2", page(2, 4, 4,
                List.of(FakePublisher.add(3, H3), FakePublisher.retract(4, 99, H1))), key, 4);
        assertRefused("retraction of unknown entry");
    }

    @Test
    void a_document_signed_by_another_key_is_refused() {
        SigningKey other = SigningKey.generate(random);
        // claiming to be the pinned key
        pub.serve("/lists/l/changes?since=2", page(2, 3, 3, List.of(FakePublisher.add(3, H3))), other, key.keyId(), 3);
        assertRefused("bad signature");
        // or naming itself, with no rotation statement leading to it
        pub.serveSigned("/lists/l/changes?since=2", ListFormat.changes(pub.header(other), 2, 3, 3, null,
                List.of(FakePublisher.add(3, H3))), other, 3);
        assertRefused("unknown key " + other.keyId());
    }

    @Test
    void a_key_rotation_statement_signed_by_the_wrong_key_is_refused() {
        SigningKey next = SigningKey.generate(random);
        SigningKey impostor = SigningKey.generate(random);
        byte[] statement = ListFormat.rotation(key.keyId(), next.publicKey(), "2026-01-01T00:00:00Z");
        pub.serveKey(next.publicKey(), List.of(new ListFormat.SignedRotation(
                Base64.getEncoder().encodeToString(statement), impostor.signBase64(statement))));
        pub.serveSigned("/lists/l/changes?since=2", ListFormat.changes(pub.header(next), 2, 3, 3, null,
                List.of(FakePublisher.add(3, H3))), next, 3);
        assertRefused("is not signed by the key it retires");
    }

    @Test
    void a_key_rotation_signed_by_the_pinned_key_is_followed() {
        SigningKey next = SigningKey.generate(random);
        byte[] statement = ListFormat.rotation(key.keyId(), next.publicKey(), "2026-01-01T00:00:00Z");
        pub.serveKey(next.publicKey(), List.of(new ListFormat.SignedRotation(
                Base64.getEncoder().encodeToString(statement), key.signBase64(statement))));
        pub.serveSigned("/lists/l/changes?since=2", ListFormat.changes(pub.header(next), 2, 3, 3, null,
                List.of(FakePublisher.add(3, H3))), next, 3);
        TestServer.Response r = sync();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode s = b.get("/api/v1/subscriptions/" + sub, admin).json();
        assertThat(s.get("key_id").asText()).isEqualTo(next.keyId());
        assertThat(activeValues()).containsExactly(H1, H2, H3);
    }

    @Test
    void a_document_of_another_list_is_refused() {
        ListFormat.Header other = new ListFormat.Header(pub.base + "/lists/other", "other", null, "fake", key.keyId());
        pub.serveSigned("/lists/l/changes?since=2", ListFormat.changes(other, 2, 3, 3, null,
                List.of(FakePublisher.add(3, H3))), key, 3);
        assertRefused("is a document of list " + pub.base + "/lists/other");
    }

    @Test
    void an_unsigned_document_is_refused() {
        pub.serveRaw("/lists/l/changes?since=2", page(2, 3, 3, List.of(FakePublisher.add(3, H3))), java.util.Map.of());
        assertRefused("is not signed");
    }
}
