package org.sightline;

import io.javalin.Javalin;
import org.junit.jupiter.api.Test;
import org.sightline.config.Config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTest {
    @Test
    void two_servers_start_on_free_ports_and_answer_healthz() throws Exception {
        Javalin first = App.create(new App.Deps(Config.defaults())).start("127.0.0.1", 0);
        Javalin second = App.create(new App.Deps(Config.defaults())).start("127.0.0.1", 0);
        try {
            HttpClient client = HttpClient.newHttpClient();
            for (Javalin app : new Javalin[]{first, second}) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
            }
            assertThat(first.port()).isNotEqualTo(second.port());
        } finally {
            first.stop();
            second.stop();
        }
    }
}
