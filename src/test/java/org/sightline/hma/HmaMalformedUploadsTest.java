package org.sightline.hma;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Broken multipart bodies on HMA's upload routes: HMA's 400 with a message, never a 500. */
class HmaMalformedUploadsTest {
    static final String PART = "Content-Disposition: form-data; name=\"photo\"; filename=\"x.png\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";

    @TempDir
    static Path dir;
    static TestServer server;
    static HmaHttp admin;

    @BeforeAll
    static void start() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0));
        admin = new HmaHttp(server.base, server.token("admin", Scope.ADMIN));
        HmaHttp.Answer created = admin.json("POST", "/c/banks", "{\"name\": \"B\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertBadRequest(String path, String contentType, String body) {
        HmaHttp.Answer a = admin.send("POST", path, contentType, body.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(400);
        assertThat(a.json().path("message").asText()).isNotBlank().doesNotContain("Exception");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/c/bank/B/content", "/h/hash", "/m/lookup"})
    void multipart_without_a_boundary_is_400(String path) {
        assertBadRequest(path, "multipart/form-data", "--x\r\n" + PART + "abc\r\n--x--\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/c/bank/B/content", "/h/hash", "/m/lookup"})
    void multipart_with_the_wrong_boundary_is_400(String path) {
        assertBadRequest(path, "multipart/form-data; boundary=yyy", "--x\r\n" + PART + "abc\r\n--x--\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/c/bank/B/content", "/h/hash", "/m/lookup"})
    void an_unterminated_multipart_body_is_400(String path) {
        assertBadRequest(path, "multipart/form-data; boundary=x", "--x\r\n" + PART + "abc");
    }
}
