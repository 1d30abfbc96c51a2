package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Security headers on every answer, a charset on every page, and no way out of the site after login. */
class ResponseHardeningTest {
    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        PanelFixtures.banks(server);
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void assertSecurityHeaders(String what, HttpResponse<?> r) {
        for (String header : new String[]{"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy",
                "X-Content-Type-Options", "Cache-Control"}) {
            assertThat(r.headers().firstValue(header)).as(what + " " + header).isPresent();
        }
        assertThat(r.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
    }

    @Test
    void previews_reveals_csv_and_json_answers_carry_the_security_headers() {
        long caseId = PanelFixtures.cases(server, 1).get(0);
        long media = PanelFixtures.mediaOf(server, caseId);
        PanelClient ada = new PanelClient(server.base);
        assertThat(ada.login("ada", PASSWORD).status()).isIn(302, 303);
        ada.get("/cases/" + caseId);

        PanelClient.Page preview = ada.get("/media/" + media + "/preview");
        assertThat(preview.status()).isEqualTo(200);
        assertSecurityHeaders("preview", preview.raw());
        PanelClient.Page reveal = ada.postForm("/media/" + media + "/reveal");
        assertThat(reveal.status()).isEqualTo(200);
        assertSecurityHeaders("reveal", reveal.raw());
        PanelClient.Page csv = ada.get("/audit.csv");
        assertThat(csv.status()).isEqualTo(200);
        assertSecurityHeaders("csv", csv.raw());
        assertSecurityHeaders("missing preview", ada.get("/media/999999/preview").raw());

        String token = server.token("reader", Scope.BANKS_READ);
        PanelClient api = new PanelClient(server.base);
        // JSON answers, a refusal and an unknown path too
        assertSecurityHeaders("json", api.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.base + "/api/v1/banks")).header("Authorization", "Bearer " + token).GET()).raw());
        assertSecurityHeaders("401", api.get("/api/v1/banks").raw());
        assertSecurityHeaders("unknown path", api.get("/no/such/path").raw());
    }

    @Test
    void html_pages_say_their_charset() {
        PanelClient anyone = new PanelClient(server.base);
        PanelClient.Page login = anyone.get("/login");
        assertThat(login.contentType()).startsWith("text/html").containsIgnoringCase("charset=utf-8");
        PanelClient ada = new PanelClient(server.base);
        ada.login("ada", PASSWORD);
        assertThat(ada.get("/").contentType()).containsIgnoringCase("charset=utf-8");
        assertThat(ada.get("/cases/999999").contentType()).containsIgnoringCase("charset=utf-8");
    }

    @Test
    void login_redirects_only_to_paths_of_this_site() {
        PanelClient anyone = new PanelClient(server.base);
        assertThat(anyone.get("/login?next=/%09/evil.example").body()).contains("name=\"next\" value=\"/\"");
        for (String next : new String[]{"/\t/evil.example", "//evil.example", "/\\evil.example", "/%2F/evil.example",
                "/%5Cevil.example", "/%09/evil.example", "https://evil.example", "/\n/evil.example", " /x"}) {
            PanelClient c = new PanelClient(server.base);
            c.get("/login");
            PanelClient.Page r = c.post("/login", "csrf", c.csrf, "username", "ada", "password", PASSWORD, "next", next);
            assertThat(r.status()).isIn(302, 303);
            assertThat(r.location()).as(next).isEqualTo("/");
        }
        PanelClient c = new PanelClient(server.base);
        c.get("/login");
        PanelClient.Page r = c.post("/login", "csrf", c.csrf, "username", "ada", "password", PASSWORD, "next", "/queue?x=1");
        assertThat(r.location()).isEqualTo("/queue?x=1");
    }
}
