package org.sightline.federation;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Two Sightline servers in one JVM: A publishes a list, B subscribes, matches, and follows a retraction. */
class TwoInstancesTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

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
                .with("fetch.allow_private_addresses", true));
        adminA = a.token("admin-a", Scope.ADMIN);
        adminB = b.token("admin-b", Scope.ADMIN);
    }

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    static String base64(String resource) throws IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of("src/test/resources/pdq/images", resource)));
    }

    static JsonNode scan(TestServer s, String token, String image) throws IOException {
        TestServer.Response r = s.postJson("/api/v1/media", token, "{\"image_base64\":\"" + base64(image) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    long publishBridge(String visibility) {
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"confirmed\",\"kind\":\"local\"}").status()).isEqualTo(201);
        TestServer.Response added = a.postJson("/api/v1/banks/confirmed/entries", adminA,
                "{\"signal_type\":\"pdq\",\"value\":\"" + BRIDGE_PDQ + "\",\"labels\":[\"spam\"],\"note\":\"test photo\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        TestServer.Response pub = a.postJson("/api/v1/lists", adminA,
                "{\"name\":\"shared\",\"bank\":\"confirmed\",\"visibility\":\"" + visibility + "\"}");
        assertThat(pub.status()).as(pub.body()).isEqualTo(201);
        return added.json().get("ids").get(0).asLong();
    }

    long subscribe(String mode, String extra) {
        TestServer.Response r = b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base + "/lists/shared\","
                + "\"key\":\"" + keyA.keyId() + "\",\"mode\":\"" + mode + "\"" + extra + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    @Test
    void a_list_published_on_one_instance_matches_a_rotated_copy_on_another_until_retracted() throws IOException {
        long entryId = publishBridge("public");
        long sub = subscribe("enforce", "");

        TestServer.Response sync = b.postJson("/api/v1/subscriptions/" + sub + "/sync", adminB, "{}");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.json().get("added").asInt()).isEqualTo(1);
        assertThat(sync.json().get("to_seq").asLong()).isEqualTo(1);

        JsonNode hit = scan(b, adminB, "dih/bridge-2-rotate-90.jpg");
        assertThat(hit.get("matches")).hasSize(1);
        assertThat(hit.get("matches").get(0).get("bank").asText()).startsWith("sub-127.0.0.1-shared");
        assertThat(hit.get("decision").asText()).isEqualTo("review");

        // the subscription counts the media its entries matched (in observe mode: what it would have acted on)
        assertThat(b.get("/api/v1/subscriptions/" + sub, adminB).json().get("matched_media_7d").asLong()).isEqualTo(1);

        // the entry on B carries its provenance
        JsonNode bankName = b.get("/api/v1/subscriptions/" + sub, adminB).json().get("bank");
        JsonNode entries = b.get("/api/v1/banks/" + bankName.asText() + "/entries", adminB).json().get("entries");
        assertThat(entries.get(0).get("source_list").asText()).isEqualTo(a.base + "/lists/shared");
        assertThat(entries.get(0).get("source_seq").asLong()).isEqualTo(1);
        assertThat(entries.get(0).get("note").asText()).isEqualTo("test photo");

        assertThat(a.send("DELETE", "/api/v1/banks/confirmed/entries/" + entryId, adminA, null, null, null).status()).isEqualTo(200);
        TestServer.Response second = b.postJson("/api/v1/subscriptions/" + sub + "/sync", adminB, "{}");
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().get("retracted").asInt()).isEqualTo(1);
        assertThat(second.json().get("to_seq").asLong()).isEqualTo(2);

        JsonNode miss = scan(b, adminB, "dih/bridge-2-rotate-90.jpg");
        assertThat(miss.get("matches")).isEmpty();
        assertThat(miss.get("decision").asText()).isEqualTo("pass");

        JsonNode detail = b.get("/api/v1/subscriptions/" + sub, adminB).json();
        assertThat(detail.get("sequence").asLong()).isEqualTo(2);
        assertThat(detail.get("last_error").isNull()).isTrue();
        assertThat(detail.get("last_diff").get("retracted").asInt()).isEqualTo(1);
        assertThat(detail.get("syncs")).hasSize(2);
    }

    @Test
    void published_documents_are_signed_with_the_instance_key_and_answer_304_to_a_known_etag() throws Exception {
        publishBridge("public");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(a.base + "/lists/shared")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        String sig = r.headers().firstValue(ListFormat.SIGNATURE_HEADER).orElseThrow();
        assertThat(r.headers().firstValue(ListFormat.KEY_ID_HEADER)).contains(keyA.keyId());
        assertThat(r.headers().firstValue(ListFormat.SEQUENCE_HEADER)).contains("1");
        assertThat(keyA.publicKey().verifyBase64(r.body(), sig)).isTrue();
        ListFormat.Document doc = new ListFormat().readDocument(r.body());
        assertThat(doc.entries()).extracting(ListFormat.Change::value).containsExactly(BRIDGE_PDQ);

        String etag = r.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(a.base + "/lists/shared"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);

        HttpResponse<String> key = http.send(HttpRequest.newBuilder(URI.create(a.base + "/lists/shared/key")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(key.body()).contains(keyA.keyId()).contains(keyA.publicKey().base64());

        HttpResponse<String> txt = http.send(HttpRequest.newBuilder(URI.create(a.base + "/lists/shared/pdq.txt")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(txt.body()).isEqualTo("pdq " + BRIDGE_PDQ + "\n");

        HttpResponse<byte[]> changes = http.send(HttpRequest.newBuilder(URI.create(a.base + "/lists/shared/changes?since=0")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(keyA.publicKey().verifyBase64(changes.body(), changes.headers().firstValue(ListFormat.SIGNATURE_HEADER).orElseThrow())).isTrue();
        ListFormat.Document page = new ListFormat().readDocument(changes.body());
        assertThat(page.changes()).extracting(ListFormat.Change::op).containsExactly("add");
        assertThat(page.next()).isNull();
    }

    @Test
    void a_subscribers_only_list_needs_a_token_and_a_subscription_holding_one_syncs() {
        publishBridge("subscribers");
        assertThat(a.get("/lists/shared", null).status()).isEqualTo(401);
        assertThat(a.get("/lists/shared", "stl_list_wrong").status()).isEqualTo(401);
        String token = a.postJson("/api/v1/lists/shared/tokens", adminA, "{\"subscriber\":\"instance-b\"}").json().get("token").asText();
        assertThat(a.get("/lists/shared", token).status()).isEqualTo(200);

        long without = subscribe("observe", "");
        TestServer.Response refused = b.postJson("/api/v1/subscriptions/" + without + "/sync", adminB, "{}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("message").asText()).contains("HTTP 401");

        // subscribing again is refused (every entry would be held twice); the token is given to the subscription
        TestServer.Response again = b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base + "/lists/shared\","
                + "\"key\":\"" + keyA.publicKey().base64() + "\",\"token\":\"" + token + "\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("message").asText()).contains("subscription " + without);
        TestServer.Response r = b.send("PATCH", "/api/v1/subscriptions/" + without, adminB, "application/json",
                "{\"token\":\"" + token + "\"}", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(token);
        assertThat(r.json().get("mode").asText()).isEqualTo("observe");
        TestServer.Response ok = b.postJson("/api/v1/subscriptions/" + without + "/sync", adminB, "{}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("added").asInt()).isEqualTo(1);
    }

    @Test
    void an_instance_cannot_subscribe_to_its_own_list() {
        TestServer.Response r = a.postJson("/api/v1/subscriptions", adminA, "{\"url\":\"" + a.base + "/lists/mine\","
                + "\"key\":\"" + keyA.publicKey().base64() + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("cannot subscribe to itself");
        // by fingerprint too
        r = a.postJson("/api/v1/subscriptions", adminA, "{\"url\":\"" + a.base + "/lists/mine\",\"key\":\""
                + keyA.keyId() + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
    }

    @Test
    void the_mode_and_policy_of_a_subscribed_bank_need_the_admin_scope_on_the_bank_api_too() {
        TestServer.Response sub = b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base + "/lists/shared\","
                + "\"key\":\"" + keyA.publicKey().base64() + "\"}");
        assertThat(sub.status()).as(sub.body()).isEqualTo(201);
        String bank = b.deps.subscriptions().bank(b.deps.subscriptions().get(sub.json().get("id").asLong())).name();
        String writer = b.token("writer", Scope.BANKS_WRITE);
        assertThat(b.send("PATCH", "/api/v1/banks/" + bank, writer, "application/json", "{\"mode\":\"enforce\"}", null)
                .status()).isEqualTo(403);
        assertThat(b.send("PATCH", "/api/v1/banks/" + bank, writer, "application/json", "{\"policy\":\"reject\"}", null)
                .status()).isEqualTo(403);
        assertThat(b.send("PATCH", "/api/v1/banks/" + bank, adminB, "application/json", "{\"mode\":\"enforce\"}", null)
                .status()).isEqualTo(200);
    }
}
