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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A publisher that sends too much, never stops, retracts most of its list or answers an unasked 304. */
class HostilePublisherTest {
    @TempDir
    Path dir;
    TestServer b;
    String admin;
    final FakePublisher pub = new FakePublisher();
    final SigningKey key = SigningKey.generate(new SecureRandom());
    final Random random = new Random(17);

    void start(Config extra) {
        b = new TestServer(extra.with("data.dir", dir).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true).with("ingest.workers", 0));
        admin = b.token("admin", Scope.ADMIN);
        pub.serveKey(key.publicKey(), null);
    }

    @AfterEach
    void stop() {
        pub.close();
        if (b != null) b.close();
    }

    String pdq() {
        byte[] h = new byte[32];
        random.nextBytes(h);
        return HexFormat.of().formatHex(h);
    }

    List<ListFormat.Change> adds(long from, int n) {
        List<ListFormat.Change> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(FakePublisher.add(from + i, pdq()));
        return out;
    }

    long subscribe(List<ListFormat.Change> snapshot, long seq) {
        pub.serveSigned("/lists/l", ListFormat.snapshot(pub.header(key), seq, snapshot), key, seq);
        TestServer.Response r = b.postJson("/api/v1/subscriptions", admin, "{\"url\":\"" + pub.listUrl + "\",\"key\":\""
                + key.publicKey().base64() + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    void page(long since, long latest, List<ListFormat.Change> changes) {
        long seq = changes.isEmpty() ? since : changes.get(changes.size() - 1).seq();
        pub.serveSigned("/lists/l/changes?since=" + since, ListFormat.changes(pub.header(key), since, seq, latest,
                null, changes), key, seq);
    }

    TestServer.Response sync(long sub) {
        return b.postJson("/api/v1/subscriptions/" + sub + "/sync", admin, "{}");
    }

    JsonNode subscription(long sub) {
        return b.get("/api/v1/subscriptions/" + sub, admin).json();
    }

    @Test
    void a_snapshot_over_the_entry_limit_is_refused_with_a_clear_reason() {
        start(Config.defaults().with("lists.max_entries", 50));
        long sub = subscribe(adds(1, 60), 60);
        assertThat(sync(sub).status()).isNotEqualTo(200);
        assertThat(subscription(sub).toString()).contains("lists.max_entries");
        assertThat(b.deps.banks().countActive(b.deps.subscriptions().get(sub).bankId())).isZero();
    }

    @Test
    void an_oversized_snapshot_is_refused_from_its_outline_before_its_entries_are_built() {
        start(Config.defaults().with("lists.max_entries", 50));
        // 50 proper entries, then 10,000 that are not even objects: reading them would fail (or fill the heap)
        String doc = new String(ListFormat.snapshot(pub.header(key), 60, adds(1, 50)), StandardCharsets.UTF_8);
        int end = doc.lastIndexOf(']');
        String oversized = doc.substring(0, end) + ",0".repeat(10_000) + doc.substring(end);
        pub.serveSigned("/lists/l", oversized.getBytes(StandardCharsets.UTF_8), key, 60);
        TestServer.Response r = b.postJson("/api/v1/subscriptions", admin, "{\"url\":\"" + pub.listUrl + "\",\"key\":\""
                + key.publicKey().base64() + "\"}");
        long sub = r.json().get("id").asLong();
        assertThat(sync(sub).status()).isNotEqualTo(200);
        assertThat(subscription(sub).toString()).contains("10050 entries").contains("lists.max_entries");
    }

    @Test
    void endless_change_pages_stop_at_the_per_sync_cap_and_the_list_limit_holds() {
        start(Config.defaults().with("lists.max_entries", 120).with("lists.max_changes_per_sync", 40));
        long sub = subscribe(adds(1, 1), 1);
        assertThat(sync(sub).status()).isEqualTo(200);
        // 30 pages of 10, each claiming the list goes on to a billion
        for (int p = 0; p < 30; p++) page(1 + p * 10L, 1_000_000_000L, adds(2 + p * 10L, 10));
        TestServer.Response first = sync(sub);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        long bank = b.deps.subscriptions().get(sub).bankId();
        assertThat(b.deps.banks().countActive(bank)).isEqualTo(41);
        assertThat(sync(sub).status()).isEqualTo(200);
        assertThat(b.deps.banks().countActive(bank)).isEqualTo(81);
        // the next sync would pass the list limit: refused, nothing applied
        assertThat(sync(sub).status()).isNotEqualTo(200);
        assertThat(subscription(sub).toString()).contains("lists.max_entries");
        assertThat(b.deps.banks().countActive(bank)).isEqualTo(81);
    }

    @Test
    void a_page_retracting_most_of_the_list_is_not_applied_and_raises_an_alert() {
        start(Config.defaults());
        List<ListFormat.Change> snapshot = adds(1, 20);
        long sub = subscribe(snapshot, 20);
        assertThat(sync(sub).status()).isEqualTo(200);
        List<ListFormat.Change> retracts = new ArrayList<>();
        for (int i = 0; i < 15; i++) retracts.add(FakePublisher.retract(21 + i, 1 + i, snapshot.get(i).value()));
        page(20, 35, retracts);
        assertThat(sync(sub).status()).isNotEqualTo(200);
        assertThat(b.deps.banks().countActive(b.deps.subscriptions().get(sub).bankId())).isEqualTo(20);
        assertThat(b.deps.subscriptions().alerts(sub)).anyMatch(a -> a.kind().equals("mass_retraction"));
        assertThat(subscription(sub).toString()).contains("lists.max_retract_share");
    }

    @Test
    void an_unsigned_304_to_an_unconditional_request_does_not_freeze_the_subscription() {
        start(Config.defaults());
        long sub = subscribe(adds(1, 2), 2);
        assertThat(sync(sub).status()).isEqualTo(200);
        pub.serveStatus("/lists/l/changes?since=2", 304);
        assertThat(sync(sub).status()).isNotEqualTo(200);
        assertThat(subscription(sub).toString()).contains("304");
    }
}
