package org.sightline.banks;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Values longer than their columns are refused with 400 and a message naming the field, never a 500. */
class FieldLimitsApiTest {
    static final String PDQ = "f".repeat(64);

    @TempDir
    Path data;
    TestServer server;
    String admin;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        admin = server.token("admin", Scope.ADMIN, Scope.BANKS_READ, Scope.BANKS_WRITE);
        assertThat(server.postJson("/api/v1/banks", admin, "{\"name\":\"local\"}").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void assertRefused(TestServer.Response r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).contains(field);
    }

    @Test
    void an_over_long_entry_note_or_source_list_is_a_400_naming_the_field() {
        assertRefused(server.postJson("/api/v1/banks/local/entries", admin,
                "{\"signal_type\":\"pdq\",\"value\":\"" + PDQ + "\",\"note\":\"" + "n".repeat(2001) + "\"}"), "note");
        assertRefused(server.postJson("/api/v1/banks/local/entries", admin,
                "{\"signal_type\":\"pdq\",\"value\":\"" + PDQ + "\",\"source_list\":\"" + "s".repeat(501) + "\"}"),
                "source_list");
        assertRefused(server.send("POST", "/api/v1/banks/local/entries?note=" + "n".repeat(2001), admin, "text/plain",
                "pdq " + PDQ + "\n", null), "note");
        assertThat(server.get("/api/v1/banks/local/entries", admin).json().get("entries")).isEmpty();
    }

    @Test
    void an_over_long_instance_url_secret_or_token_is_a_400_naming_the_field() {
        assertRefused(server.postJson("/api/v1/instances", admin, "{\"name\":\"a\",\"kind\":\"mastodon\",\"url\":\"https://"
                + "u".repeat(500) + ".example\"}"), "url");
        assertRefused(server.postJson("/api/v1/instances", admin, "{\"name\":\"b\",\"kind\":\"mastodon\","
                + "\"url\":\"https://b.example\",\"webhook_secret\":\"" + "s".repeat(1000) + "\"}"), "webhook secret");
        assertRefused(server.postJson("/api/v1/instances", admin, "{\"name\":\"c\",\"kind\":\"misskey\","
                + "\"url\":\"https://c.example\",\"token\":\"" + "t".repeat(3000) + "\"}"), "token");
        assertThat(server.get("/api/v1/instances", admin).json().get("instances")).isEmpty();
    }
}
