package org.sightline.federation;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A list from a newer publisher holds entries of signal types this instance does not know: the subscriber skips
 * them (adds and their retractions), counts them, says so in the sync result and the subscription's status, and
 * applies the rest instead of refusing the whole sync.
 */
class UnknownSignalTypesTest {
    static final String PDQ1 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final String PDQ2 = "d8f8f0cec0f4a84f0637022a278f67f0b36e2ed596621e1d33e6339c4e9c9b22";

    @TempDir
    Path dir;
    TestServer b;
    final FakePublisher pub = new FakePublisher();
    final SigningKey key = SigningKey.generate(new SecureRandom());

    @AfterEach
    void stop() {
        pub.close();
        if (b != null) b.close();
    }

    static ListFormat.Change change(long seq, String op, String type, String value, Long ref) {
        return new ListFormat.Change(seq, op, type, value, List.of("spam"), null, "2026-01-01T00:00:00Z", ref);
    }

    @Test
    void entriesOfUnknownTypesAreSkippedCountedAndReportedWhileTheRestApplies() {
        b = new TestServer(Config.defaults().with("data.dir", dir).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true).with("ingest.workers", 0));
        String admin = b.token("admin", Scope.ADMIN);
        pub.serveKey(key.publicKey(), null);
        List<ListFormat.Change> snapshot = List.of(
                change(1, null, "pdq", PDQ1, null),
                change(2, null, "tmk", "c29tZSBmdXR1cmUgaGFzaA==", null),
                change(3, null, "clip_vit", "[0.1, 0.2]", null),
                change(4, null, "tmk", "YW5vdGhlcg==", null));
        pub.serveSigned("/lists/l", ListFormat.snapshot(pub.header(key), 4, snapshot), key, 4);
        TestServer.Response created = b.postJson("/api/v1/subscriptions", admin, "{\"url\":\"" + pub.listUrl
                + "\",\"key\":\"" + key.publicKey().base64() + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long sub = created.json().get("id").asLong();
        String bank = created.json().get("bank").asText();

        TestServer.Response first = b.postJson("/api/v1/subscriptions/" + sub + "/sync", admin, "{}");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("added").asInt()).isEqualTo(1);
        assertThat(first.json().get("to_seq").asLong()).isEqualTo(4);
        assertThat(first.json().get("skipped").asInt()).isEqualTo(3);
        assertThat(first.json().get("notice").asText())
                .startsWith("skipped 3 entries of unknown types (clip_vit, tmk)");

        // a later page: a retraction of a skipped entry is skipped too, a known add applies after an unknown one
        List<ListFormat.Change> page = List.of(
                change(5, "retract", "tmk", "c29tZSBmdXR1cmUgaGFzaA==", 2L),
                change(6, "add", "tmk", "dGhpcmQ=", null),
                change(7, "add", "pdq", PDQ2, null));
        pub.serveSigned("/lists/l/changes?since=4", ListFormat.changes(pub.header(key), 4, 7, 7, null, page), key, 7);
        TestServer.Response second = b.postJson("/api/v1/subscriptions/" + sub + "/sync", admin, "{}");
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().get("added").asInt()).isEqualTo(1);
        assertThat(second.json().get("retracted").asInt()).isZero();
        assertThat(second.json().get("to_seq").asLong()).isEqualTo(7);
        assertThat(second.json().get("notice").asText()).startsWith("skipped 2 entries of unknown types (tmk)");

        JsonNode status = b.get("/api/v1/subscriptions/" + sub, admin).json();
        assertThat(status.get("last_error").isNull()).as(status.toString()).isTrue();
        assertThat(status.get("sequence").asLong()).isEqualTo(7);
        assertThat(status.get("last_notice").asText()).startsWith("skipped 2 entries of unknown types (tmk)");
        assertThat(status.get("syncs").get(1).get("skipped").asInt()).isEqualTo(3);

        JsonNode entries = b.get("/api/v1/banks/" + bank + "/entries", admin).json().get("entries");
        assertThat(entries).hasSize(2);
        assertThat(entries.findValuesAsText("value")).containsExactlyInAnyOrder(PDQ1, PDQ2);
        assertThat(entries.findValuesAsText("source_seq")).containsExactlyInAnyOrder("1", "7");
    }

    @Test
    void aKnownTypeWithAMalformedValueStillRefusesTheSync() {
        b = new TestServer(Config.defaults().with("data.dir", dir).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true).with("ingest.workers", 0));
        String admin = b.token("admin", Scope.ADMIN);
        pub.serveKey(key.publicKey(), null);
        // 1001 frames: over the vpdq limit
        StringBuilder frames = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) frames.append(i == 0 ? "" : ",").append("\"").append(PDQ1).append(",100,").append(i).append(".0\"");
        frames.append("]");
        List<ListFormat.Change> snapshot = List.of(change(1, null, "tmk", "x", null),
                change(2, null, "vpdq", frames.toString(), null));
        pub.serveSigned("/lists/l", ListFormat.snapshot(pub.header(key), 2, snapshot), key, 2);
        long sub = b.postJson("/api/v1/subscriptions", admin, "{\"url\":\"" + pub.listUrl + "\",\"key\":\""
                + key.publicKey().base64() + "\"}").json().get("id").asLong();
        TestServer.Response sync = b.postJson("/api/v1/subscriptions/" + sub + "/sync", admin, "{}");
        assertThat(sync.status()).isNotEqualTo(200);
        JsonNode status = b.get("/api/v1/subscriptions/" + sub, admin).json();
        assertThat(status.get("last_error").asText()).contains("change 2 is invalid", "1001 frames");
        assertThat(status.get("sequence").asLong()).isZero();
    }
}
