package org.sightline.auth;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.Main;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.actions.FakeMastodon;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #18, authority that follows the instance: a token bound to an instance names no other and reads no other's
 * media, and media sent by an unbound scan token never makes Sightline act on an instance by itself.
 */
class InstanceBoundTokensTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path dir;
    final FakeMastodon social = new FakeMastodon();
    final FakeMastodon other = new FakeMastodon();
    TestServer server;
    String root;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 1)
                .with("ingest.poll_ms", 50).with("actions.backoff_ms", 100));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", social.url(),
                Webhooks.SECRET, FakeMastodon.TOKEN, null, null, null));
        server.deps.instances().add(new InstanceService.NewInstance("other", "mastodon", other.url(),
                Webhooks.SECRET, FakeMastodon.TOKEN, null, null, null));
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "report", "enforce", List.of("spam"),
                null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ, List.of("spam"),
                null, null, null)), "test");
        root = server.token("root", Scope.ADMIN);
    }

    @AfterEach
    void stop() {
        server.close();
        social.close();
        other.close();
    }

    static String bridge() {
        return Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
    }

    int posts;

    TestServer.Response scan(String token, String instance) {
        return server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + bridge() + "\""
                + (instance == null ? "" : ",\"instance\":\"" + instance + "\"")
                + ",\"account\":\"109\",\"status\":\"" + (5000 + ++posts) + "\"}");
    }

    String bound(String name, String instance) {
        return server.deps.tokens().create(name, java.util.Set.of(Scope.SCAN), null, instance, "test").token();
    }

    String actionsOf(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM action_requests WHERE media_id = :m").bind("m", mediaId).mapTo(Integer.class).one()).toString();
    }

    @Test
    void a_bound_token_cannot_name_another_instance_or_read_its_media() {
        String forSocial = bound("social-scanner", "social");
        String forOther = bound("other-scanner", "other");

        TestServer.Response refused = scan(forSocial, "other");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("message").asText()).contains("bound to instance 'social'");
        assertThat(server.get("/api/v1/media?instance=other&status=done", forSocial).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/media?instance=social&status=done", forSocial).status()).isEqualTo(200);

        // naming no instance, it scans for its own
        TestServer.Response own = scan(forSocial, null);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        long ownId = own.json().get("id").asLong();
        TestServer.Response others = scan(forOther, null);
        long otherId = others.json().get("id").asLong();

        assertThat(server.get("/api/v1/media/" + ownId, forSocial).status()).isEqualTo(200);
        TestServer.Response foreign = server.get("/api/v1/media/" + otherId, forSocial);
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(403);
        assertThat(foreign.body()).doesNotContain(BRIDGE_PDQ);
        // media of no instance is no bound token's either
        long unowned = scan(server.token("plain", Scope.SCAN), null).json().get("id").asLong();
        assertThat(server.get("/api/v1/media/" + unowned, forSocial).status()).isEqualTo(403);
        // an unbound token reads everything, as before
        assertThat(server.get("/api/v1/media/" + otherId, root).status()).isEqualTo(200);
    }

    @Test
    void media_from_a_bound_token_acts_and_from_an_unbound_scan_token_only_opens_a_case() throws Exception {
        String unbound = server.token("anyone", Scope.SCAN);
        TestServer.Response held = scan(unbound, "social");
        assertThat(held.status()).as(held.body()).isEqualTo(200);
        long heldId = held.json().get("id").asLong();
        assertThat(held.json().get("decision").asText()).isEqualTo("review");
        assertThat(held.json().get("actions")).isEmpty();
        assertThat(actionsOf(heldId)).isEqualTo("0");
        String caseReason = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT reason FROM cases WHERE media_id = :m").bind("m", heldId).mapTo(String.class).one());
        assertThat(caseReason).contains("held for review").contains("not bound to the instance");

        TestServer.Response acted = scan(bound("social-scanner", "social"), "social");
        assertThat(acted.json().get("decision").asText()).isEqualTo("report");
        long actedId = acted.json().get("id").asLong();
        assertThat(actionsOf(actedId)).isEqualTo("1");

        // a moderator can still act on the held media
        TestServer.Response manual = server.postJson("/api/v1/media/" + heldId + "/actions", root,
                "{\"action\":\"report\"}");
        assertThat(manual.status()).as(manual.body()).isEqualTo(202);
        assertThat(actionsOf(heldId)).isEqualTo("1");
    }

    @Test
    void the_binding_is_chosen_on_the_command_line_and_shown_in_listings() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new String[]{"token", "create", "mod-bot", "--scopes", "scan", "--instance", "social"},
                Map.of("SIGHTLINE_DATA_DIR", dir.toString()), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        String token = out.toString().strip();
        assertThat(scan(token, "other").status()).isEqualTo(403);

        JsonNode listed = null;
        for (JsonNode t : server.get("/api/v1/tokens", root).json().get("tokens")) {
            if (t.get("name").asText().equals("mod-bot")) listed = t;
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("instance").asText()).isEqualTo("social");
        assertThat(server.deps.audit().search("", "token_create", "token:mod-bot", Long.MAX_VALUE, 5))
                .singleElement().satisfies(e -> assertThat(e.detail()).contains("instance=social"));

        StringWriter list = new StringWriter();
        assertThat(Main.run(new String[]{"token", "list"}, Map.of("SIGHTLINE_DATA_DIR", dir.toString()),
                new PrintWriter(list, true), new PrintWriter(new StringWriter(), true))).isZero();
        assertThat(list.toString()).contains("mod-bot\tscan\tsocial\t").contains("root\tadmin\tany\t");

        // an unknown instance, or an admin token, cannot be bound
        StringWriter e2 = new StringWriter();
        assertThat(Main.run(new String[]{"token", "create", "x", "--scopes", "scan", "--instance", "nowhere"},
                Map.of("SIGHTLINE_DATA_DIR", dir.toString()), new PrintWriter(new StringWriter(), true),
                new PrintWriter(e2, true))).isEqualTo(2);
        assertThat(e2.toString()).contains("no connected instance named 'nowhere'");
        StringWriter e3 = new StringWriter();
        assertThat(Main.run(new String[]{"token", "create", "y", "--scopes", "admin", "--instance", "social"},
                Map.of("SIGHTLINE_DATA_DIR", dir.toString()), new PrintWriter(new StringWriter(), true),
                new PrintWriter(e3, true))).isEqualTo(2);
        assertThat(e3.toString()).contains("cannot be bound");
    }
}
