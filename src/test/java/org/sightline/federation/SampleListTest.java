package org.sightline.federation;

import org.sightline.cli.ListCommands;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample list shipped in hashlists/sample verifies, holds the bridge images, and works as hashlists/README.md says. */
class SampleListTest {
    static final Path DIR = Path.of("hashlists/sample");

    @TempDir
    Path data;

    static PublicKey sampleKey() {
        return ListCommands.readPublicKey(DIR.resolve("bridge-sample.pub").toString());
    }

    @Test
    void the_sample_snapshot_and_its_pdq_export_verify_under_the_shipped_public_key() throws IOException {
        PublicKey key = sampleKey();
        byte[] snapshot = Files.readAllBytes(DIR.resolve("bridge-sample"));
        assertThat(ListCommands.verifySigLine(key, snapshot, Files.readString(DIR.resolve("bridge-sample.sig")))).isNull();
        byte[] txt = Files.readAllBytes(DIR.resolve("bridge-sample.txt"));
        assertThat(ListCommands.verifySigLine(key, txt, Files.readString(DIR.resolve("bridge-sample.txt.sig")))).isNull();
        assertThat(Files.readString(Path.of("hashlists/README.md"))).contains(key.base64()).contains(key.keyId());
    }

    @Test
    void the_sample_holds_every_distinct_bridge_hash_of_the_test_vectors() throws IOException {
        ListFormat.Document d = new ListFormat().readDocument(Files.readAllBytes(DIR.resolve("bridge-sample")));
        assertThat(d.snapshot()).isTrue();
        assertThat(d.list().id()).isEqualTo("http://127.0.0.1:8000/bridge-sample");
        assertThat(d.list().keyId()).isEqualTo(sampleKey().keyId());
        Set<String> expected = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/pdq/expected-hashes.csv"))) {
            String[] p = line.split(",");
            if (p[0].startsWith("bridge-mods/") || p[0].startsWith("dih/")) expected.add(p[4]);
        }
        assertThat(d.entries()).extracting(ListFormat.Change::value).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(d.sequence()).isEqualTo(expected.size());
        List<String> lines = Files.readAllLines(DIR.resolve("bridge-sample.txt"));
        assertThat(lines).hasSize(expected.size()).allMatch(l -> l.startsWith("pdq "));
    }

    /** As the README says: serve the folder on 127.0.0.1:8000 as static files, subscribe, sync, scan. */
    @Test
    void an_instance_subscribes_to_the_sample_served_as_static_files_and_matches_a_bridge_image() throws IOException {
        HttpServer files;
        try {
            files = HttpServer.create(new InetSocketAddress("127.0.0.1", 8000), 0);
        } catch (IOException e) {
            Assumptions.abort("port 8000 on 127.0.0.1 is taken; the sample's list id names it");
            return;
        }
        files.createContext("/", ex -> {
            Path f = DIR.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
            if (!f.startsWith(DIR) || !Files.isRegularFile(f) || ex.getRequestURI().getRawQuery() != null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            byte[] body = Files.readAllBytes(f);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        files.start();
        try (TestServer s = new TestServer(Config.defaults().with("data.dir", data).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true))) {
            String admin = s.token("admin", Scope.ADMIN);
            TestServer.Response sub = s.postJson("/api/v1/subscriptions", admin,
                    "{\"url\":\"http://127.0.0.1:8000/bridge-sample\",\"key\":\"" + sampleKey().base64() + "\",\"mode\":\"enforce\"}");
            assertThat(sub.status()).as(sub.body()).isEqualTo(201);
            long id = sub.json().get("id").asLong();
            TestServer.Response sync = s.postJson("/api/v1/subscriptions/" + id + "/sync", admin, "{}");
            assertThat(sync.status()).as(sync.body()).isEqualTo(200);
            assertThat(sync.json().get("added").asInt()).isEqualTo(19);
            JsonNode scan = TwoInstancesTest.scan(s, admin, "dih/bridge-7-flip-plus-1.jpg");
            assertThat(scan.get("decision").asText()).isEqualTo("review");
            // a static list has no change pages: the next sync finds the snapshot unchanged
            TestServer.Response again = s.postJson("/api/v1/subscriptions/" + id + "/sync", admin, "{}");
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.json().get("added").asInt()).isZero();
            assertThat(s.get("/api/v1/subscriptions/" + id, admin).json().get("last_error").isNull()).isTrue();
        } finally {
            files.stop(0);
        }
    }
}
