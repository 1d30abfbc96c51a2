package org.sightline.instances;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.config.SecretBox;
import org.sightline.hashing.MediaHasher;
import org.sightline.web.ApiError;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Connects a Mastodon instance with OAuth: registers Sightline as an application asking only for the scopes
 * the chosen actions need, sends the admin to the instance's authorize page, and exchanges the code for a
 * token that is stored encrypted. The {@code state} is random and kept hashed, so a callback cannot be forged.
 */
public final class MastodonConnect {
    private final Jdbi jdbi;
    private final InstanceService instances;
    private final SecretBox secrets;
    private final SecureRandom random;
    private final String publicUrl;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ObjectMapper json = new ObjectMapper();

    public MastodonConnect(Jdbi jdbi, InstanceService instances, SecretBox secrets, SecureRandom random, String publicUrl,
                           Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.instances = instances;
        this.secrets = secrets;
        this.random = random;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    public interface Dao {
        @SqlUpdate("UPDATE instances SET oauth_client_id = :clientId, oauth_client_secret = :clientSecret,"
                + " oauth_state_hash = :stateHash, oauth_scopes = :scopes, oauth_started_at = :at WHERE id = :id")
        void pending(@Bind("id") long id, @Bind("clientId") String clientId, @Bind("clientSecret") String clientSecret,
                     @Bind("stateHash") String stateHash, @Bind("scopes") String scopes, @Bind("at") Instant at);

        /** Uses up the flow's state: one caller wins, and only within the flow's lifetime. */
        @SqlUpdate("UPDATE instances SET oauth_state_hash = NULL WHERE id = :id AND oauth_state_hash = :stateHash"
                + " AND oauth_started_at > :since")
        int consume(@Bind("id") long id, @Bind("stateHash") String stateHash, @Bind("since") Instant since);

        record Pending(String clientId, String clientSecret, String stateHash, String scopes) {
        }

        @SqlQuery("SELECT oauth_client_id AS client_id, oauth_client_secret AS client_secret,"
                + " oauth_state_hash AS state_hash, oauth_scopes AS scopes FROM instances WHERE id = :id")
        @org.jdbi.v3.sqlobject.config.RegisterConstructorMapper(Pending.class)
        Optional<Pending> pendingFor(@Bind("id") long id);

        @SqlUpdate("UPDATE instances SET api_token = :token, oauth_state_hash = NULL WHERE id = :id")
        void connected(@Bind("id") long id, @Bind("token") String sealedToken);
    }

    /** How long an admin has to approve on the instance before the flow must be started again. */
    static final Duration FLOW_LIFETIME = Duration.ofMinutes(30);

    /**
     * Uses up a flow's {@code state} if it is the one stored for the instance and still young; the comparison
     * is of hashes, so timing reveals nothing of the state.
     */
    static boolean consumeState(Jdbi jdbi, Instance instance, String state, Clock clock) {
        if (state == null || state.isEmpty() || state.length() > 200) return false;
        String hash = MediaHasher.digest("SHA-256", state.getBytes(StandardCharsets.UTF_8));
        return jdbi.withExtension(Dao.class, d -> d.consume(instance.id(), hash,
                clock.instant().minus(FLOW_LIFETIME))) == 1;
    }

    /** The minimum OAuth scopes for the actions Sightline will take on the instance. */
    public static String scopesFor(Set<String> actions) {
        Set<String> scopes = new TreeSet<>();
        if (actions.contains("report") || actions.contains("mark_sensitive")) scopes.add("write:reports");
        if (actions.contains("account_action")) {
            scopes.add("admin:write:accounts");
            scopes.add("admin:read:accounts");
        }
        if (scopes.isEmpty()) throw ApiError.badRequest("choose at least one action: report, mark_sensitive, account_action");
        return String.join(" ", scopes);
    }

    public String callbackUrl(Instance instance) {
        return publicUrl + "/instances/" + instance.name() + "/oauth/callback";
    }

    /** Registers the application and returns the authorize URL to send the admin to. */
    public String start(String instanceName, Set<String> actions) {
        Instance instance = mastodon(instanceName);
        String scopes = scopesFor(new LinkedHashSet<>(actions));
        String form = "client_name=" + enc("Sightline") + "&redirect_uris=" + enc(callbackUrl(instance))
                + "&scopes=" + enc(scopes) + "&website=" + enc(publicUrl);
        JsonNode app = post(instance.baseUrl() + "/api/v1/apps", form, "registering the application");
        String clientId = app.path("client_id").asText(null);
        String clientSecret = app.path("client_secret").asText(null);
        if (clientId == null || clientSecret == null) {
            throw new ApiError(502, "bad_gateway", "the instance did not return a client id and secret");
        }
        byte[] stateBytes = new byte[24];
        random.nextBytes(stateBytes);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(stateBytes);
        jdbi.useExtension(Dao.class, d -> d.pending(instance.id(), clientId,
                secrets.seal(clientSecret, "instance:" + instance.name() + ":oauth_client_secret"),
                MediaHasher.digest("SHA-256", state.getBytes(StandardCharsets.UTF_8)), scopes, clock.instant()));
        return instance.baseUrl() + "/oauth/authorize?response_type=code&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc(callbackUrl(instance)) + "&scope=" + enc(scopes) + "&state=" + enc(state);
    }

    /** Exchanges the code from the authorize page for a token, if {@code state} is the one this flow issued. */
    public Instance finish(String instanceName, String code, String state) {
        Instance instance = mastodon(instanceName);
        Dao.Pending pending = jdbi.withExtension(Dao.class, d -> d.pendingFor(instance.id())).orElseThrow();
        if (code == null || !consumeState(jdbi, instance, state, clock)) {
            throw new ApiError(400, "bad_state", "this authorization was not started here, or was already used");
        }
        String clientSecret = secrets.open(pending.clientSecret(), "instance:" + instance.name() + ":oauth_client_secret");
        String form = "grant_type=authorization_code&code=" + enc(code) + "&client_id=" + enc(pending.clientId())
                + "&client_secret=" + enc(clientSecret) + "&redirect_uri=" + enc(callbackUrl(instance))
                + "&scope=" + enc(pending.scopes());
        String token = post(instance.baseUrl() + "/oauth/token", form, "exchanging the code").path("access_token").asText(null);
        if (token == null) throw new ApiError(502, "bad_gateway", "the instance returned no access token");
        jdbi.useExtension(Dao.class, d -> d.connected(instance.id(),
                secrets.seal(token, "instance:" + instance.name() + ":api_token")));
        return instances.find(instance.id()).orElseThrow();
    }

    private Instance mastodon(String name) {
        return instances.find(name).filter(i -> List.of("mastodon", "pleroma").contains(i.kind()))
                .orElseThrow(() -> ApiError.notFound("no Mastodon or Pleroma instance named '" + name + "'"));
    }

    private JsonNode post(String url, String form, String what) {
        return postForJson(http, json, url, "application/x-www-form-urlencoded", form, what);
    }

    /**
     * One call of a connection flow: a POST whose 200 answer is JSON; anything else is a 502 for the admin that
     * names the step ({@code what}) and the status, never the answer's body.
     */
    static JsonNode postForJson(HttpClient http, ObjectMapper json, String url, String contentType, String body,
                                String what) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new ApiError(502, "bad_gateway", what + " failed: the instance answered HTTP " + r.statusCode());
            }
            return json.readTree(r.body());
        } catch (IOException e) {
            throw new ApiError(502, "bad_gateway", what + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "unavailable", "interrupted");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
