package org.sightline.dsa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.actions.FakeMastodon;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A server connected to a fake Mastodon, a bank the test image matches, and the appeal page's HTTP client. */
final class DsaFixture implements AutoCloseable {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    final FakeMastodon mastodon = new FakeMastodon();
    final TestServer server;
    final String admin;
    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    DsaFixture(Path data, String policy, Object... settings) {
        Config c = Config.defaults().with("data.dir", data).with("ingest.poll_ms", 50).with("actions.backoff_ms", 100);
        for (int i = 0; i < settings.length; i += 2) c = c.with((String) settings[i], settings[i + 1]);
        server = new TestServer(c);
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(), Webhooks.SECRET,
                FakeMastodon.TOKEN, null, null, null));
        server.deps.banks().create(new BankService.BankSpec("suspect", "local", policy, "enforce", List.of("spam"),
                null, null, null));
        server.deps.banks().create(new BankService.BankSpec("confirmed", "local", "review", "enforce", List.of(),
                null, null, null));
        server.deps.banks().addEntries("suspect", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ, List.of("spam"),
                "private note of the list", null, null)), "test");
        admin = server.token("admin", Scope.ADMIN);
    }

    /** Scans the test image as the instance's integration does; returns the media id. */
    long scan(String status, String account) {
        String token = server.deps.tokens().create("bridge-" + status, Set.of(Scope.SCAN), null, "social", "test").token();
        String b64 = Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + b64
                + "\",\"instance\":\"social\",\"status\":\"" + status + "\",\"account\":\"" + account + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("id").asLong();
    }

    long caseId(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM cases WHERE media_id = :m")
                .bind("m", mediaId).mapTo(Long.class).one());
    }

    String state(long mediaId, String action) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT state FROM action_requests WHERE media_id = :m AND action = :a").bind("m", mediaId)
                .bind("a", action).mapTo(String.class).findOne().orElse("none"));
    }

    /** The statements of one media item, through the API. */
    List<JsonNode> statements(long mediaId) {
        TestServer.Response r = server.get("/api/v1/statements", admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new java.util.ArrayList<>();
        for (JsonNode s : r.json().get("statements")) if (s.get("media").asLong() == mediaId) out.add(s);
        return out;
    }

    JsonNode onlyStatement(long mediaId) {
        List<JsonNode> all = statements(mediaId);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    /** A page answer with the cookie it set. */
    record Page(int status, String body, String cookie) {
        String csrf() {
            Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(body);
            return m.find() ? m.group(1) : null;
        }
    }

    /** {@code forwardedFor}: the client address a trusted proxy reports (with {@code http.forwarded_for}). */
    Page get(String pathOrUrl, String cookie, String forwardedFor) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathOrUrl)).GET();
        if (forwardedFor != null) b.header("X-Forwarded-For", forwardedFor);
        return send(b, cookie);
    }

    Page postForm(String pathOrUrl, String cookie, String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (b.length() > 0) b.append('&');
            b.append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(b.toString())), cookie);
    }

    private URI uri(String pathOrUrl) {
        // the statement's link names the configured public URL; the test server listens on its own port
        String path = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl).getRawPath() : pathOrUrl;
        return URI.create(server.base + path);
    }

    private Page send(HttpRequest.Builder b, String cookie) {
        if (cookie != null) b.header("Cookie", cookie);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String set = r.headers().firstValue("Set-Cookie").map(v -> v.split(";")[0]).orElse(cookie);
            return new Page(r.statusCode(), r.body(), set);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Opens the appeal page and sends the appeal; returns the answer. */
    Page appeal(String url, String text) {
        Page page = get(url, null, null);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        return postForm(url, page.cookie(), "csrf", page.csrf(), "text", text);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(25);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @Override
    public void close() {
        server.close();
        mastodon.close();
    }
}
