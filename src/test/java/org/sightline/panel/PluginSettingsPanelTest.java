package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.actions.WebhookReceiver;
import org.sightline.actions.builtin.WebhookAction;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.access.Role;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Plugin settings changed by an admin on the settings page (and by API) take effect, secrets never shown. */
class PluginSettingsPanelTest {
    static final String PASSWORD = "correct horse battery";
    static final String SECRET = "receiver-secret-0123456789";

    @TempDir
    Path data;
    TestServer server;
    final WebhookReceiver receiver = new WebhookReceiver();
    final List<byte[]> bodies = receiver.bodies;
    final List<String> signatures = receiver.signatures;
    PanelClient ada;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.poll_ms", 50)
                .with("actions.backoff_ms", 100).with("plugins.http_classifier.threshold", "0.5"));
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "report", "enforce",
                List.of("spam"), null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq",
                "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", List.of("spam"), null, null, null)), "t");
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
        ada = new PanelClient(server.base);
        ada.login("ada", PASSWORD);
        ada.get("/settings/plugins");
    }

    @AfterEach
    void stop() {
        server.close();
        receiver.close();
    }

    private String receiverUrl() {
        return receiver.url();
    }

    /** A matching image from the scan API (no instance): its report goes to the webhook plugin, if any. */
    private long scanMatchingImage() {
        String token = server.token("scanner-" + System.nanoTime(), Scope.SCAN);
        JsonNode doc = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + Base64.getEncoder()
                .encodeToString(PanelFixtures.resource("/pdq/images/bridge-mods/aaa-orig.jpg")) + "\"}").json();
        return doc.get("id").asLong();
    }

    private String requestState(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT state FROM action_requests WHERE media_id = :m").bind("m", mediaId)
                .mapTo(String.class).findOne().orElse("none"));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(25);
        }
    }

    private String storedValue(String plugin, String field) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT setting_value FROM plugin_settings WHERE plugin = :p AND field = :f").bind("p", plugin).bind("f", field)
                .mapTo(String.class).findOne().orElse(null));
    }

    @Test
    void a_webhook_configured_on_the_settings_page_receives_signed_decisions() throws Exception {
        long before = scanMatchingImage();
        await("no plugin for the report", () -> requestState(before).equals("failed"));

        PanelClient.Page page = ada.get("/settings/plugins");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"plugin-webhook\"").contains("not configured");
        PanelClient.Page saved = ada.postForm("/settings/plugins/webhook", "enabled", "on",
                "f.url", receiverUrl(), "f.secret", SECRET);
        assertThat(saved.status()).isIn(302, 303);
        assertThat(saved.location()).startsWith("/settings/plugins?saved=webhook");

        long mediaId = scanMatchingImage();
        await("report sent to the webhook", () -> requestState(mediaId).equals("done"));
        assertThat(bodies).hasSize(1);
        assertThat(signatures.get(0)).isEqualTo(WebhookAction.sign(SECRET, bodies.get(0)));

        // the secret is sealed at rest, never shown back, and not in the audit log
        assertThat(storedValue("webhook", "secret")).startsWith("v1:").doesNotContain(SECRET);
        String shown = ada.get("/settings/plugins").body();
        assertThat(shown).doesNotContain(SECRET).contains(receiverUrl()).contains("settings page");
        assertThat(server.get("/api/v1/plugins", server.token("root", Scope.ADMIN)).body()).doesNotContain(SECRET);
        String audit = ada.get("/audit?action=plugin_settings").body();
        assertThat(audit).contains("plugin:webhook").contains("secret set (secret)").doesNotContain(SECRET)
                .contains("url=http://127.0.0.1:").doesNotContain("/decisions");

        // saving again with the secret left empty keeps it
        assertThat(ada.postForm("/settings/plugins/webhook", "enabled", "on", "f.url", receiverUrl(), "f.secret", "")
                .status()).isIn(302, 303);
        long again = scanMatchingImage();
        await("second report sent", () -> requestState(again).equals("done"));
        assertThat(signatures.get(1)).isEqualTo(WebhookAction.sign(SECRET, bodies.get(1)));
    }

    @Test
    void bad_values_are_refused_with_every_problem_named_and_nothing_is_saved() {
        PanelClient.Page refused = ada.postForm("/settings/plugins/http_classifier", "enabled", "on",
                "f.url", "ftp://classifier.local/x", "f.timeout_ms", "soon", "f.threshold", "0.5");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("url must be an http(s) URL").contains("timeout_ms must be a whole number")
                .contains("nothing was saved");
        // the type is fine but the plugin refuses the value
        PanelClient.Page outOfRange = ada.postForm("/settings/plugins/http_classifier", "enabled", "on",
                "f.url", "http://127.0.0.1:9/classify", "f.timeout_ms", "5000", "f.threshold", "7");
        assertThat(outOfRange.status()).isEqualTo(400);
        assertThat(outOfRange.body()).contains("threshold must be above 0 and at most 1");
        int stored = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM plugin_settings")
                .mapTo(Integer.class).one());
        assertThat(stored).isZero();
        assertThat(ada.postForm("/settings/plugins/no_such_plugin", "enabled", "on").status()).isEqualTo(404);
    }

    @Test
    void an_override_goes_back_to_the_configuration_and_unchanged_fields_are_not_stored() {
        String admin = server.token("root", Scope.ADMIN);
        TestServer.Response r = server.send("PUT", "/api/v1/plugins/http_classifier", admin, "application/json",
                "{\"settings\":{\"threshold\":\"0.9\"}}", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(field(r.json(), "threshold").get("value").asText()).isEqualTo("0.9");
        assertThat(field(r.json(), "threshold").get("source").asText()).isEqualTo("settings page");
        assertThat(field(r.json(), "threshold").get("updatedBy").asText()).isEqualTo("token:root");

        // the page sends every field; only the one that changed is stored
        assertThat(ada.postForm("/settings/plugins/http_classifier", "enabled", "on", "f.url", "", "f.timeout_ms", "5000",
                "f.threshold", "0.9").status()).isIn(302, 303);
        List<String> stored = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT field FROM plugin_settings ORDER BY field").mapTo(String.class).list());
        assertThat(stored).containsExactly("threshold");

        assertThat(ada.postForm("/settings/plugins/http_classifier", "enabled", "on", "f.url", "", "f.timeout_ms", "5000",
                "f.threshold", "0.9", "reset.threshold", "on").status()).isIn(302, 303);
        JsonNode after = server.get("/api/v1/plugins", admin).json();
        JsonNode threshold = null;
        for (JsonNode p : after.get("plugins")) {
            if (p.get("name").asText().equals("http_classifier")) threshold = field(p, "threshold");
        }
        assertThat(threshold.get("value").asText()).isEqualTo("0.5");
        assertThat(threshold.get("source").asText()).isEqualTo("configuration");
        assertThat(server.deps.audit().search("", "plugin_settings", "", Long.MAX_VALUE, 10)).hasSize(2);
    }

    @Test
    void a_plugin_switched_off_no_longer_acts() throws Exception {
        String admin = server.token("root", Scope.ADMIN);
        assertThat(server.send("PUT", "/api/v1/plugins/webhook", admin, "application/json",
                "{\"settings\":{\"url\":\"" + receiverUrl() + "\",\"secret\":\"" + SECRET + "\"}}", null).status()).isEqualTo(200);
        TestServer.Response off = server.send("PUT", "/api/v1/plugins/webhook", admin, "application/json",
                "{\"enabled\":false}", null);
        assertThat(off.json().get("on").asBoolean()).isFalse();
        assertThat(ada.get("/settings/plugins").body()).contains("switched off");
        long mediaId = scanMatchingImage();
        await("report without a plugin", () -> requestState(mediaId).equals("failed"));
        assertThat(bodies).isEmpty();
        assertThat(server.send("PUT", "/api/v1/plugins/webhook", admin, "application/json", "{\"enabled\":\"no\"}", null)
                .status()).isEqualTo(400);
        assertThat(server.send("PUT", "/api/v1/plugins/webhook", admin, "application/json", "{\"settings\":{\"colour\":\"red\"}}",
                null).json().get("message").asText()).contains("webhook has no setting 'colour'");
    }

    @Test
    void only_admins_see_or_change_plugin_settings() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", PASSWORD);
        assertThat(mia.get("/settings/plugins").status()).isEqualTo(403);
        assertThat(mia.postForm("/settings/plugins/webhook", "f.url", receiverUrl()).status()).isEqualTo(403);
        assertThat(mia.get("/settings").body()).doesNotContain("/settings/plugins");
        assertThat(ada.get("/settings").body()).contains("/settings/plugins");
        // a forged form is refused even for an admin
        assertThat(ada.post("/settings/plugins/webhook", "csrf", "forged", "f.url", receiverUrl()).status()).isEqualTo(403);
        String scanner = server.token("scanner", Scope.SCAN);
        assertThat(server.send("PUT", "/api/v1/plugins/webhook", scanner, "application/json", "{\"enabled\":false}", null)
                .status()).isEqualTo(403);
        assertThat(server.get("/api/v1/plugins", scanner).status()).isEqualTo(403);
        assertThat(storedValue("webhook", "url")).isNull();
    }

    @Test
    void a_new_url_does_not_take_the_old_secret_along() {
        String admin = server.token("root", Scope.ADMIN);
        assertThat(server.send("PUT", "/api/v1/plugins/webhook", admin, "application/json",
                "{\"settings\":{\"url\":\"" + receiverUrl() + "\",\"secret\":\"" + SECRET + "\"}}", null).status()).isEqualTo(200);
        TestServer.Response moved = server.send("PUT", "/api/v1/plugins/webhook", admin, "application/json",
                "{\"settings\":{\"url\":\"https://elsewhere.example/hook\"}}", null);
        assertThat(moved.status()).isEqualTo(400);
        assertThat(moved.json().get("message").asText()).contains("would send secret to the new address");
        assertThat(server.deps.plugins().settings("webhook")).containsEntry("url", receiverUrl());
        // confirming the same secret for the new address is a deliberate choice, and allowed
        assertThat(server.send("PUT", "/api/v1/plugins/webhook", admin, "application/json",
                "{\"settings\":{\"url\":\"https://moved.example/hook\",\"secret\":\"" + SECRET + "\"}}", null).status())
                .isEqualTo(200);
        assertThat(server.deps.plugins().settings("webhook")).containsEntry("url", "https://moved.example/hook")
                .containsEntry("secret", SECRET);
        assertThat(server.send("PUT", "/api/v1/plugins/webhook", admin, "application/json",
                "{\"settings\":{\"url\":\"https://elsewhere.example/hook\",\"secret\":\"\"}}", null).status()).isEqualTo(200);
        assertThat(server.deps.plugins().settings("webhook")).containsEntry("url", "https://elsewhere.example/hook")
                .doesNotContainKey("secret");
    }

    private static JsonNode field(JsonNode plugin, String name) {
        for (JsonNode f : plugin.get("fields")) if (f.get("name").asText().equals(name)) return f;
        throw new AssertionError("no field " + name + " in " + plugin);
    }
}
