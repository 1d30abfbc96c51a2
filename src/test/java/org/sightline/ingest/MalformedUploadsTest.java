package org.sightline.ingest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Broken multipart and oversized JSON on the scan API: a 4xx in Sightline's words, never a 500. */
class MalformedUploadsTest {
    static final String PART = "Content-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";

    @TempDir
    Path data;
    TestServer server;
    String token;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        token = server.token("scanner", Scope.SCAN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TestServer.Response upload(String contentType, String body) {
        return server.sendBytes("POST", "/api/v1/media", contentType, body.getBytes(StandardCharsets.ISO_8859_1),
                "Authorization", "Bearer " + token);
    }

    private static void assertBadRequest(TestServer.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("bad_request");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("org.");
    }

    @Test
    void multipart_without_a_boundary_is_400() {
        assertBadRequest(upload("multipart/form-data", "--x\r\n" + PART + "abc\r\n--x--\r\n"));
    }

    @Test
    void multipart_with_the_wrong_boundary_is_400() {
        assertBadRequest(upload("multipart/form-data; boundary=yyy", "--x\r\n" + PART + "abc\r\n--x--\r\n"));
    }

    @Test
    void an_unterminated_multipart_body_is_400() {
        assertBadRequest(upload("multipart/form-data; boundary=x", "--x\r\n" + PART + "abc"));
    }

    @Test
    void a_very_long_file_name_is_400() {
        assertBadRequest(upload("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\";"
                + " filename=\"" + "n".repeat(200_000) + ".png\"\r\n\r\nabc\r\n--x--\r\n"));
    }

    @Test
    void twenty_thousand_fields_are_400() {
        StringBuilder body = new StringBuilder("--x\r\n" + PART + "abc\r\n");
        for (int i = 0; i < 20_000; i++) {
            body.append("--x\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
        }
        body.append("--x--\r\n");
        assertBadRequest(upload("multipart/form-data; boundary=x", body.toString()));
    }

    @Test
    void an_image_over_the_limit_sent_as_base64_is_413_in_sightlines_words() {
        for (int size : new int[]{20 * 1024 * 1024 + 1, 21 * 1024 * 1024}) {
            String base64 = Base64.getEncoder().encodeToString(new byte[size]);
            TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + base64 + "\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(413);
            assertThat(r.json().get("error").asText()).isEqualTo("too_large");
            assertThat(r.json().get("message").asText()).doesNotContain("StreamReadConstraints").doesNotContain("Jackson");
        }
    }

    @Test
    void a_21_megabyte_json_body_is_never_answered_in_jacksons_words() {
        // 21 MB of base64 decodes to under the 20 MB media limit: it is read, found not to be an image, and scanned as such
        String base64 = "A".repeat(21 * 1024 * 1024);
        TestServer.Response r = server.postJson("/api/v1/media?wait=false", token, "{\"image_base64\":\"" + base64 + "\"}");
        assertThat(r.status()).as(r.body()).isLessThan(300);
        assertThat(r.body()).doesNotContain("StreamReadConstraints");
    }

    @Test
    void a_url_too_long_to_store_is_400() {
        TestServer.Response r = server.postJson("/api/v1/media?wait=false", token,
                "{\"url\":\"https://x.example/" + "u".repeat(2001) + "\"}");
        assertBadRequest(r);
        assertThat(r.json().get("message").asText()).contains("url");
    }
}
