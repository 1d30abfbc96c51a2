package org.sightline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTest {
    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void two_servers_start_on_free_ports_over_their_own_data_and_answer_healthz() {
        try (TestServer a = new TestServer(first); TestServer b = new TestServer(second)) {
            for (TestServer server : new TestServer[]{a, b}) {
                TestServer.Response response = server.get("/healthz", null);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
            }
            assertThat(a.app.port()).isNotEqualTo(b.app.port());
        }
    }
}
