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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A published bank's video signals travel in its list: a subscriber on another instance gets the vpdq and
 * video_md5 entries with their provenance, in observe mode, follows their retraction, and a bank's text export
 * writes them as pytx does.
 */
class VideoEntriesListTest {
    static final String PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final String PDQ2 = "d8f8f0cec0f4a84f0637022a278f67f0b36e2ed596621e1d33e6339c4e9c9b22";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    TestServer a;
    TestServer b;
    String adminA;
    String adminB;
    SigningKey keyA;

    @BeforeEach
    void start() {
        keyA = new KeyFiles(dirA).generate(new SecureRandom());
        a = new TestServer(Config.defaults().with("data.dir", dirA).with("lists.sync_interval_s", 0));
        b = new TestServer(Config.defaults().with("data.dir", dirB).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true).with("ingest.workers", 0));
        adminA = a.token("admin-a", Scope.ADMIN);
        adminB = b.token("admin-b", Scope.ADMIN);
    }

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    /** A vpdq value of {@code n} frames, alternating two hashes, as HMA writes it (with ", " between frames). */
    static String vpdq(int n) {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) frames.add("\"" + (i % 2 == 0 ? PDQ : PDQ2) + ",100," + i + ".0\"");
        return "[" + String.join(", ", frames) + "]";
    }

    @Test
    void videoEntriesArePublishedAppliedBySubscribersAndRetracted() {
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"mixed\"}").status()).isEqualTo(201);
        TestServer.Response list = a.postJson("/api/v1/lists", adminA,
                "{\"name\":\"mixed\",\"bank\":\"mixed\",\"visibility\":\"public\"}");
        assertThat(list.status()).as(list.body()).isEqualTo(201);
        String md5 = "ab".repeat(16);
        // the longest value a list carries: 1000 frames
        String longVideo = vpdq(1000);
        TestServer.Response added = a.send("POST", "/api/v1/banks/mixed/entries", adminA, "text/plain",
                "pdq " + PDQ + "\nvpdq " + vpdq(2) + "\nvideo_md5 " + md5 + "\nvpdq " + longVideo + "\n", null);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        long vpdqId = added.json().get("ids").get(1).asLong();

        String snapshot = a.get("/lists/mixed", null).body();
        assertThat(snapshot).contains("\"signal_type\":\"pdq\"", "\"signal_type\":\"vpdq\"",
                "\"signal_type\":\"video_md5\"", md5);

        TestServer.Response sub = b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base
                + "/lists/mixed\",\"key\":\"" + keyA.keyId() + "\"}");
        assertThat(sub.status()).as(sub.body()).isEqualTo(201);
        long subId = sub.json().get("id").asLong();
        String bankB = sub.json().get("bank").asText();
        TestServer.Response sync = b.postJson("/api/v1/subscriptions/" + subId + "/sync", adminB, "{}");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.json().get("added").asInt()).isEqualTo(4);
        assertThat(sync.json().get("skipped").asInt()).isZero();
        assertThat(sync.json().get("notice").isNull()).isTrue();
        // a sample line of a 1000-frame value is cut, not the sync
        for (JsonNode s : sync.json().get("samples")) assertThat(s.asText().length()).isLessThan(120);

        JsonNode entries = b.get("/api/v1/banks/" + bankB + "/entries", adminB).json().get("entries");
        assertThat(entries).hasSize(4);
        List<String> types = new ArrayList<>();
        for (JsonNode e : entries) {
            types.add(e.get("signal_type").asText());
            assertThat(e.get("source_list").asText()).isEqualTo(a.base + "/lists/mixed");
        }
        assertThat(types).containsExactlyInAnyOrder("pdq", "vpdq", "video_md5", "vpdq");
        assertThat(b.get("/api/v1/subscriptions/" + subId, adminB).json().get("mode").asText()).isEqualTo("observe");

        // the bank's text export carries video as pytx lines: "vpdq <json>" and "video_md5 <hex>"
        String text = b.get("/api/v1/banks/" + bankB + "/entries?format=txt", adminB).body();
        assertThat(text.lines().filter(l -> l.startsWith("vpdq [\"" + PDQ + ",100,0.0\"")).count()).isEqualTo(2);
        assertThat(text.lines()).contains("video_md5 " + md5, "pdq " + PDQ);

        // a retraction of the video entry reaches the subscriber
        assertThat(a.send("DELETE", "/api/v1/banks/mixed/entries/" + vpdqId, adminA, null, null, null).status())
                .isEqualTo(200);
        assertThat(a.get("/lists/mixed/changes?since=4", null).body()).contains("\"op\":\"retract\"", "\"signal_type\":\"vpdq\"");
        TestServer.Response again = b.postJson("/api/v1/subscriptions/" + subId + "/sync", adminB, "{}");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("retracted").asInt()).isEqualTo(1);
        JsonNode after = b.get("/api/v1/banks/" + bankB + "/entries", adminB).json().get("entries");
        assertThat(after).hasSize(3);
        assertThat(b.get("/api/v1/banks/" + bankB + "/entries?format=txt", adminB).body().lines()
                .filter(l -> l.startsWith("vpdq ")).count()).isEqualTo(1);
    }
}
