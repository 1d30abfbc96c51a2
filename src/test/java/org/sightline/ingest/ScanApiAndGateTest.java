package org.sightline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The scan API and the pict-rs gate, on a server that (by default) refuses private addresses. */
class ScanApiAndGateTest {
    static final String GATE_SECRET = "pictrs-gate-secret-0123456789";

    @TempDir
    Path data;
    TestServer server;
    String token;

    @BeforeEach
    void start() {
        // the gate's 5 s budgets are about banks: on a loaded test machine the local classifier's first load
        // (about a second of CPU) can eat them; its cost is measured by bench classify and bench ingest
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.poll_ms", 50)
                .with("fetch.timeout_ms", 1000).with("classifier.local.enabled", false));
        token = server.token("scanner", Scope.SCAN);
        server.deps.instances().add(new InstanceService.NewInstance("lemmy", "pictrs", "https://lemmy.example",
                GATE_SECRET, null, "open", 5000, null));
        server.deps.instances().add(new InstanceService.NewInstance("strict", "pictrs", "https://strict.example",
                GATE_SECRET, null, "closed", 5000, null));
        server.deps.banks().create(new BankService.BankSpec("blocked", "local", "reject", "enforce",
                List.of("spam"), null, null, null));
        server.deps.banks().addEntries("blocked", List.of(new BankService.NewEntry("pdq",
                IngestEndToEndTest.BRIDGE_PDQ, List.of("spam"), null, null, null)), "test");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TestServer.Response scanJson(String json, String query) {
        return server.send("POST", "/api/v1/media" + query, token, "application/json", json, null);
    }

    private static String base64(String image) {
        return Base64.getEncoder().encodeToString(IngestEndToEndTest.image(image));
    }

    @Test
    void scans_base64_bytes_and_answers_signals_matches_and_decision() {
        TestServer.Response r = scanJson("{\"image_base64\":\"" + base64("bridge-mods/aaa-orig.jpg")
                + "\",\"metadata\":{\"post\":42},\"account\":\"alice\"}", "");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("state").asText()).isEqualTo("done");
        assertThat(doc.get("outcome").asText()).isEqualTo("scanned");
        assertThat(doc.get("signals").get("pdq").asText()).isEqualTo(IngestEndToEndTest.BRIDGE_PDQ);
        assertThat(doc.get("matches").get(0).get("bank").asText()).isEqualTo("blocked");
        assertThat(doc.get("decision").asText()).isEqualTo("reject");
        assertThat(doc.get("metadata").get("post").asInt()).isEqualTo(42);
        assertThat(server.get("/api/v1/media/" + doc.get("id").asLong(), token).json().get("decision").asText())
                .isEqualTo("reject");
    }

    /** POSTs a multipart scan: the PNG as {@code file}, then the given text fields. */
    private HttpResponse<String> multipart(String[][] fields) throws Exception {
        String boundary = "----sightline-test";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(IngestEndToEndTest.image("misc-images/c.png"));
        for (String[] field : fields) {
            body.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                    + field[1]).getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base + "/api/v1/media"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void scans_a_multipart_upload() throws Exception {
        HttpResponse<String> r = multipart(new String[][]{{"status", "9note"}, {"account", "9user"}, {"attachment", "9file"}});
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"format\":\"png\"").contains("\"decision\":\"pass\"");
        // the instance's own ids come back as given: note, user and drive file
        assertThat(r.body()).contains("\"status\":\"9note\"").contains("\"account\":\"9user\"")
                .contains("\"attachment\":\"9file\"");
    }

    @Test
    void multipart_metadata_is_bounded_like_json_metadata() throws Exception {
        HttpResponse<String> r = multipart(new String[][]{{"metadata", "x".repeat(8001)}});
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("metadata is over 8000 characters");
    }

    @Test
    void wait_false_answers_202_at_once_and_the_worker_finishes_it() throws Exception {
        TestServer.Response r = scanJson("{\"image_base64\":\"" + base64("misc-images/c.png") + "\"}", "?wait=false");
        assertThat(r.status()).isEqualTo(202);
        long id = r.json().get("id").asLong();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        JsonNode doc = null;
        while (Instant.now().isBefore(deadline)) {
            doc = server.get("/api/v1/media/" + id, token).json();
            if (doc.get("state").asText().equals("done")) break;
            Thread.sleep(50);
        }
        assertThat(doc.get("outcome").asText()).isEqualTo("scanned");
    }

    @Test
    void urls_to_private_addresses_are_refused_and_go_to_review() {
        for (String url : List.of("http://127.0.0.1:9/x.jpg", "http://10.1.2.3/x.jpg", "http://169.254.169.254/latest")) {
            JsonNode doc = scanJson("{\"url\":\"" + url + "\"}", "").json();
            assertThat(doc.get("outcome").asText()).as(url).isEqualTo("fetch_failed");
            assertThat(doc.get("reason").asText()).as(url).isNotBlank();
            assertThat(doc.get("decision").asText()).as(url).isEqualTo("review");
        }
    }

    @Test
    void a_pixel_bomb_and_a_truncated_jpeg_become_review_cases_with_the_reason() {
        byte[] whole = IngestEndToEndTest.image("bridge-mods/aaa-orig.jpg");
        String truncated = Base64.getEncoder().encodeToString(Arrays.copyOf(whole, whole.length / 2));
        JsonNode t = scanJson("{\"image_base64\":\"" + truncated + "\"}", "").json();
        assertThat(t.get("outcome").asText()).isEqualTo("decode_failed");
        assertThat(t.get("decision").asText()).isEqualTo("review");
        String bomb = Base64.getEncoder().encodeToString(org.sightline.hashing.ImageDecoderTestSupport.pngBomb());
        JsonNode b = scanJson("{\"image_base64\":\"" + bomb + "\"}", "").json();
        assertThat(b.get("outcome").asText()).isEqualTo("too_large");
        assertThat(b.get("reason").asText()).contains("over the limit");
        assertThat(server.get("/healthz", null).status()).isEqualTo(200);
    }

    @Test
    void bad_scan_requests_get_clear_errors() {
        assertThat(scanJson("{not json", "").status()).isEqualTo(400);
        assertThat(scanJson("{}", "").json().get("message").asText()).isEqualTo("give exactly one of url and image_base64");
        assertThat(scanJson("{\"image_base64\":\"@@@\"}", "").status()).isEqualTo(400);
        assertThat(scanJson("{\"url\":\"file:///etc/passwd\"}", "").status()).isEqualTo(400);
        assertThat(scanJson("{\"url\":\"https://x.example/a.jpg\",\"instance\":\"nope\"}", "").status()).isEqualTo(404);
        assertThat(scanJson("{\"url\":\"https://x.example/a.jpg\",\"attachment\":\"" + "x".repeat(65) + "\"}", "").json()
                .get("message").asText()).isEqualTo("attachment must be at most 64 characters");
        assertThat(server.send("POST", "/api/v1/media", null, "application/json", "{}", null).status()).isEqualTo(401);
        String matchOnly = server.token("matcher", Scope.MATCH);
        assertThat(server.send("POST", "/api/v1/media", matchOnly, "application/json", "{}", null).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/media/999999", token).status()).isEqualTo(404);
    }

    private TestServer.Response gate(String instance, byte[] bytes, String secret) {
        return server.sendBytes("POST", "/hooks/pictrs/" + instance, "image/jpeg", bytes, "Authorization",
                secret == null ? null : "Bearer " + secret);
    }

    @Test
    void pictrs_gate_accepts_clean_uploads() {
        TestServer.Response r = gate("lemmy", IngestEndToEndTest.image("misc-images/c.png"), GATE_SECRET);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("decision").asText()).isEqualTo("pass");
    }

    @Test
    void pictrs_gate_rejects_what_a_reject_bank_matches() {
        TestServer.Response r = gate("lemmy", IngestEndToEndTest.image("bridge-mods/aaa-orig.jpg"), GATE_SECRET);
        assertThat(r.status()).isEqualTo(406);
        // a rotated copy too, through the dihedral variants
        assertThat(gate("lemmy", IngestEndToEndTest.image("dih/bridge-4-rotate-270.jpg"), GATE_SECRET).status())
                .isEqualTo(406);
    }

    @Test
    void pictrs_gate_failure_follows_the_fail_mode_and_queues_a_review() {
        byte[] garbage = "this is not an image at all".getBytes(StandardCharsets.UTF_8);
        TestServer.Response open = gate("lemmy", garbage, GATE_SECRET);
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.json().get("decision").asText()).isEqualTo("review");
        long mediaId = open.json().get("media_id").asLong();
        int cases = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM cases WHERE media_id = " + mediaId).mapTo(Integer.class).one());
        assertThat(cases).isOne();
        assertThat(gate("strict", garbage, GATE_SECRET).status()).isEqualTo(406);
        assertThat(server.get("/metrics", null).body()).contains("sightline_pictrs_failures_total{fail_mode=\"open\"} 1.0");
    }

    @Test
    void pictrs_gate_needs_its_secret() {
        assertThat(gate("lemmy", IngestEndToEndTest.image("misc-images/c.png"), null).status()).isEqualTo(401);
        assertThat(gate("lemmy", IngestEndToEndTest.image("misc-images/c.png"), "wrong-secret-0123456789").status())
                .isEqualTo(401);
    }
}
