package org.sightline.federation;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.nio.file.Path;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-publisher trust and the quorum rule decide whether a subscribed list's match may act on its own. */
class TrustQuorumTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    TestServer a;
    TestServer b;

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    @Test
    void a_list_acts_alone_only_when_its_publisher_is_trusted_high_or_the_quorum_is_met() throws Exception {
        SigningKey keyA = new KeyFiles(dirA).generate(new SecureRandom());
        a = new TestServer(Config.defaults().with("data.dir", dirA).with("lists.sync_interval_s", 0));
        b = new TestServer(Config.defaults().with("data.dir", dirB).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true).with("lists.quorum", 2));
        String adminA = a.token("admin-a", Scope.ADMIN);
        String adminB = b.token("admin-b", Scope.ADMIN);
        a.postJson("/api/v1/banks", adminA, "{\"name\":\"confirmed\",\"kind\":\"local\"}");
        a.postJson("/api/v1/banks/confirmed/entries", adminA,
                "{\"signal_type\":\"pdq\",\"value\":\"" + BRIDGE_PDQ + "\",\"labels\":[\"spam\"]}");
        assertThat(a.postJson("/api/v1/lists", adminA, "{\"name\":\"shared\",\"bank\":\"confirmed\",\"visibility\":\"public\"}")
                .status()).isEqualTo(201);
        TestServer.Response sub = b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base + "/lists/shared\","
                + "\"key\":\"" + keyA.keyId() + "\",\"mode\":\"enforce\",\"policy\":\"report\"}");
        assertThat(sub.status()).as(sub.body()).isEqualTo(201);
        long id = sub.json().get("id").asLong();
        assertThat(b.postJson("/api/v1/subscriptions/" + id + "/sync", adminB, "{}").status()).isEqualTo(200);

        // one list of a normally trusted publisher, quorum 2: held for review
        var held = TwoInstancesTest.scan(b, adminB, "bridge-mods/aaa-orig.jpg");
        assertThat(held.get("decision").asText()).isEqualTo("review");
        assertThat(reason(b, held.get("id").asLong())).contains("automatic report held for review: 1 of 2 trusted lists");

        // the admin trusts this publisher fully: its match acts alone
        TestServer.Response trusted = b.send("PATCH", "/api/v1/subscriptions/" + id, adminB, "application/json",
                "{\"trust\":\"high\"}", null);
        assertThat(trusted.json().get("trust").asText()).isEqualTo("high");
        assertThat(TwoInstancesTest.scan(b, adminB, "bridge-mods/blur-a-little.jpg").get("decision").asText()).isEqualTo("report");

        // a publisher trusted low never acts automatically
        b.send("PATCH", "/api/v1/subscriptions/" + id, adminB, "application/json", "{\"trust\":\"low\"}", null);
        assertThat(TwoInstancesTest.scan(b, adminB, "bridge-mods/sharpen-a-little.jpg").get("decision").asText())
                .isEqualTo("review");
        assertThat(b.send("PATCH", "/api/v1/subscriptions/" + id, adminB, "application/json", "{\"trust\":\"total\"}", null)
                .status()).isEqualTo(400);
    }

    private static String reason(TestServer s, long mediaId) {
        return s.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT reason FROM cases WHERE media_id = :m")
                .bind("m", mediaId).mapTo(String.class).one());
    }
}
