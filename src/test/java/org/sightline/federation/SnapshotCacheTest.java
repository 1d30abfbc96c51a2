package org.sightline.federation;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.net.Socket;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** A published snapshot is built once per list version, whatever Host header its readers send. */
class SnapshotCacheTest {
    @TempDir
    Path dir;
    TestServer a;

    @AfterEach
    void stop() {
        if (a != null) a.close();
    }

    /** GET with a chosen Host header (HttpClient will not send one it did not derive itself). */
    String getWithHost(String path, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", a.app.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void alternating_host_headers_do_not_force_the_snapshot_to_be_signed_again() throws Exception {
        new KeyFiles(dir).generate(new SecureRandom());
        a = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0)
                .with("http.public_url", "https://sightline.example"));
        String admin = a.token("admin", Scope.ADMIN);
        assertThat(a.postJson("/api/v1/banks", admin, "{\"name\":\"confirmed\",\"kind\":\"local\"}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/lists", admin, "{\"name\":\"shared\",\"bank\":\"confirmed\"}").status()).isEqualTo(201);
        long before = a.deps.lists().snapshotsBuilt();
        for (int i = 0; i < 6; i++) {
            String answer = getWithHost("/lists/shared", "host" + (i % 2) + ".attacker.example");
            assertThat(answer).startsWith("HTTP/1.1 200").contains("https://sightline.example/lists/shared")
                    .doesNotContain("attacker.example");
        }
        assertThat(a.deps.lists().snapshotsBuilt() - before).isEqualTo(1);
    }
}
