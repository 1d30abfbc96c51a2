package org.sightline.federation;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.Main;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #18: instances, banks and subscriptions can be removed; what they caused stays readable. */
class RemovalTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    TestServer a;
    TestServer b;
    String adminA;
    String adminB;

    @BeforeEach
    void start() {
        a = new TestServer(Config.defaults().with("data.dir", dirA).with("lists.sync_interval_s", 0));
        adminA = a.token("admin-a", Scope.ADMIN);
    }

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    long count(TestServer s, String sql) {
        return s.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Test
    void a_removed_instance_loses_its_secrets_and_bound_tokens_but_keeps_its_media_labelled() throws Exception {
        a.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://social.example",
                Webhooks.SECRET, "mastodon-token", null, null, null));
        String bound = a.deps.tokens().create("social-bot", java.util.Set.of(Scope.SCAN), null, "social", "test").token();
        a.deps.banks().create(new org.sightline.banks.BankService.BankSpec("suspect", "local", "review", "enforce",
                java.util.List.of("spam"), null, null, null));
        a.deps.banks().addEntries("suspect", java.util.List.of(new org.sightline.banks.BankService.NewEntry("pdq",
                BRIDGE_PDQ, java.util.List.of("spam"), null, null, null)), "test");
        String image = java.util.Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        long media = a.postJson("/api/v1/media", bound, "{\"image_base64\":\"" + image + "\"}").json().get("id").asLong();

        String scanOnly = a.token("scanner", Scope.SCAN);
        assertThat(a.send("DELETE", "/api/v1/instances/social", scanOnly, null, null, null).status()).isEqualTo(403);
        TestServer.Response r = a.send("DELETE", "/api/v1/instances/social", adminA, null, null, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        assertThat(count(a, "SELECT COUNT(*) FROM instances WHERE name = 'social' AND webhook_secret IS NULL"
                + " AND api_token IS NULL AND removed_at IS NOT NULL")).isEqualTo(1);
        assertThat(a.get("/api/v1/media", bound).status()).isEqualTo(401); // its bound token is revoked
        assertThat(a.get("/api/v1/instances/social", adminA).status()).isEqualTo(404);
        assertThat(a.get("/api/v1/instances", adminA).body()).doesNotContain("social");
        // its webhooks are refused like an unknown instance's
        byte[] event = Webhooks.status("status.created", "1", "a1", "https://social.example/a.jpg");
        assertThat(Webhooks.post(a, "social", event, Webhooks.SECRET).status()).isIn(401, 404);
        // media and case kept, the case labelled
        assertThat(count(a, "SELECT COUNT(*) FROM media WHERE id = " + media)).isEqualTo(1);
        String label = a.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT c.id FROM cases c WHERE c.media_id = :m").bind("m", media).mapTo(Long.class).one()).toString();
        assertThat(a.deps.review().queue(new org.sightline.review.ReviewService.Filter("", "", "", "", false), 10))
                .anySatisfy(c -> assertThat(c.evidence().instanceName()).isEqualTo("social (removed)"));
        assertThat(label).isNotBlank();
        assertThat(a.deps.audit().search("token:admin-a", "instance_remove", "instance:social", Long.MAX_VALUE, 5)).hasSize(1);
        assertThat(a.deps.audit().search("token:admin-a", "token_revoke", "token:social-bot", Long.MAX_VALUE, 5)).hasSize(1);
        // the name is not reused
        TestServer.Response again = a.postJson("/api/v1/instances", adminA,
                "{\"name\":\"social\",\"kind\":\"mastodon\",\"url\":\"https://social.example\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("was removed");
    }

    @Test
    void instance_remove_on_the_command_line_goes_through_the_running_server() {
        a.deps.instances().add(new InstanceService.NewInstance("lemmy", "pictrs", "https://lemmy.example",
                "0123456789abcdef0123", null, null, null, null));
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new String[]{"instance", "remove", "lemmy"}, Map.of("SIGHTLINE_DATA_DIR", dirA.toString()),
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("removed instance lemmy");
        assertThat(a.deps.instances().find("lemmy")).isEmpty();
        assertThat(a.deps.audit().search("", "instance_remove", "instance:lemmy", Long.MAX_VALUE, 5))
                .singleElement().satisfies(e -> assertThat(e.actor()).startsWith("cli:"));
        StringWriter err2 = new StringWriter();
        assertThat(Main.run(new String[]{"instance", "remove", "lemmy"}, Map.of("SIGHTLINE_DATA_DIR", dirA.toString()),
                new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true))).isEqualTo(2);
        assertThat(err2.toString()).contains("no instance named 'lemmy'");
    }

    @Test
    void a_bank_is_not_removed_while_published_or_evidence_of_open_cases_unless_archived() throws IOException {
        new KeyFiles(dirA).generate(new SecureRandom());
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"suspect\",\"kind\":\"local\"}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"shared\",\"kind\":\"local\"}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/banks/suspect/entries", adminA,
                "{\"signal_type\":\"pdq\",\"value\":\"" + BRIDGE_PDQ + "\"}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/lists", adminA, "{\"name\":\"pub\",\"bank\":\"shared\",\"visibility\":\"public\"}")
                .status()).isEqualTo(201);
        JsonNode hit = TwoInstancesTest.scan(a, adminA, "bridge-mods/aaa-orig.jpg");
        assertThat(hit.get("matches")).hasSize(1);

        TestServer.Response published = a.send("DELETE", "/api/v1/banks/shared", adminA, null, null, null);
        assertThat(published.status()).isEqualTo(409);
        assertThat(published.body()).contains("list 'pub' publishes it");
        TestServer.Response evidence = a.send("DELETE", "/api/v1/banks/suspect", adminA, null, null, null);
        assertThat(evidence.status()).isEqualTo(409);
        assertThat(evidence.body()).contains("1 undecided case(s)").contains("archive the bank first");

        TestServer.Response archived = a.postJson("/api/v1/banks/suspect/archive", adminA, "{}");
        assertThat(archived.status()).as(archived.body()).isEqualTo(200);
        assertThat(archived.json().get("archived_at").isNull()).isFalse();
        // archived: it no longer matches and takes no entries
        assertThat(TwoInstancesTest.scan(a, adminA, "bridge-mods/aaa-orig.jpg").get("matches")).isEmpty();
        assertThat(a.postJson("/api/v1/banks/suspect/entries", adminA,
                "{\"signal_type\":\"pdq\",\"value\":\"" + BRIDGE_PDQ + "\"}").status()).isEqualTo(409);

        TestServer.Response removed = a.send("DELETE", "/api/v1/banks/suspect", adminA, null, null, null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(a.get("/api/v1/banks/suspect", adminA).status()).isEqualTo(404);
        // the case still shows the match by the bank's name
        assertThat(a.get("/api/v1/media/" + hit.get("id").asLong(), adminA).json().get("matches").get(0).get("bank").asText())
                .isEqualTo("suspect");
        // the name is free again
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"suspect\",\"kind\":\"local\"}").status()).isEqualTo(201);
        assertThat(a.deps.audit().search("token:admin-a", "bank_archive", "bank:suspect", Long.MAX_VALUE, 5)).hasSize(1);
        assertThat(a.deps.audit().search("token:admin-a", "bank_remove", "bank:suspect", Long.MAX_VALUE, 5)).hasSize(1);
    }

    @Test
    void removing_a_subscription_retracts_its_entries_and_closes_the_cases_they_alone_opened() throws IOException {
        SigningKey keyA = new KeyFiles(dirA).generate(new SecureRandom());
        b = new TestServer(Config.defaults().with("data.dir", dirB).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true));
        adminB = b.token("admin-b", Scope.ADMIN);
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"confirmed\",\"kind\":\"local\"}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/banks/confirmed/entries", adminA,
                "{\"signal_type\":\"pdq\",\"value\":\"" + BRIDGE_PDQ + "\",\"labels\":[\"spam\"]}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/lists", adminA, "{\"name\":\"shared\",\"bank\":\"confirmed\",\"visibility\":\"public\"}")
                .status()).isEqualTo(201);
        TestServer.Response sub = b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base + "/lists/shared\","
                + "\"key\":\"" + keyA.keyId() + "\",\"mode\":\"enforce\"}");
        assertThat(sub.status()).as(sub.body()).isEqualTo(201);
        long id = sub.json().get("id").asLong();
        assertThat(b.postJson("/api/v1/subscriptions/" + id + "/sync", adminB, "{}").status()).isEqualTo(200);
        JsonNode hit = TwoInstancesTest.scan(b, adminB, "bridge-mods/aaa-orig.jpg");
        assertThat(hit.get("matches")).hasSize(1);
        long media = hit.get("id").asLong();
        assertThat(count(b, "SELECT COUNT(*) FROM cases WHERE state = 'open' AND media_id = " + media)).isEqualTo(1);
        String bank = b.get("/api/v1/subscriptions/" + id, adminB).json().get("bank").asText();
        // the bank of a subscription goes with it, not on its own
        assertThat(b.send("DELETE", "/api/v1/banks/" + bank, adminB, null, null, null).status()).isEqualTo(400);

        TestServer.Response removed = b.send("DELETE", "/api/v1/subscriptions/" + id, adminB, null, null, null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(removed.json().get("removed").get("retracted").asInt()).isEqualTo(1);

        assertThat(count(b, "SELECT COUNT(*) FROM cases WHERE state = 'decided' AND decision = 'retracted' AND media_id = "
                + media)).isEqualTo(1);
        assertThat(b.get("/api/v1/subscriptions/" + id, adminB).status()).isEqualTo(404);
        assertThat(b.get("/api/v1/banks/" + bank, adminB).status()).isEqualTo(404);
        assertThat(TwoInstancesTest.scan(b, adminB, "bridge-mods/aaa-orig.jpg").get("matches")).isEmpty();
        assertThat(b.deps.audit().search("token:admin-b", "subscription_remove", "subscription:" + id, Long.MAX_VALUE, 5)).hasSize(1);
        assertThat(b.deps.audit().search("token:admin-b", "bank_remove", "bank:" + bank, Long.MAX_VALUE, 5)).hasSize(1);
        // subscribing again works (a new bank of the same name)
        assertThat(b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base + "/lists/shared\","
                + "\"key\":\"" + keyA.keyId() + "\"}").status()).isEqualTo(201);
    }
}
