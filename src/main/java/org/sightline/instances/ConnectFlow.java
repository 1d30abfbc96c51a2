package org.sightline.instances;

import org.sightline.common.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.config.SecretBox;
import org.sightline.common.Refusal;

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
import java.util.Optional;

/**
 * What the flows connecting an instance from the panel share (OAuth for Mastodon, MiAuth for Misskey): the
 * pending state kept hashed on the instance's row and used up once within {@link #FLOW_LIFETIME}, and calls
 * to the instance whose failures become a 502 for the admin.
 */
abstract class ConnectFlow {
    final Jdbi jdbi;
    final InstanceService instances;
    final SecretBox secrets;
    final SecureRandom random;
    final String publicUrl;
    final Clock clock;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    final ObjectMapper json = new ObjectMapper();

    ConnectFlow(Jdbi jdbi, InstanceService instances, SecretBox secrets, SecureRandom random, String publicUrl,
                Clock clock) {
        this.jdbi = jdbi;
        this.instances = instances;
        this.secrets = secrets;
        this.random = random;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.clock = clock;
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

        // the scopes asked in this flow describe the new token: what an earlier pasted token was found to hold does not
        @SqlUpdate("UPDATE instances SET api_token = :token, oauth_state_hash = NULL, token_scopes = NULL,"
                + " token_checked_at = NULL WHERE id = :id")
        void connected(@Bind("id") long id, @Bind("token") String sealedToken);
    }

    /** How long an admin has to approve on the instance before the flow must be started again. */
    static final Duration FLOW_LIFETIME = Duration.ofMinutes(30);

    /**
     * Uses up a flow's {@code state} if it is the one stored for the instance and still young; the comparison
     * is of hashes, so timing reveals nothing of the state.
     */
    boolean consumeState(Instance instance, String state) {
        if (state == null || state.isEmpty() || state.length() > 200) return false;
        String hash = Digests.sha256Hex(state);
        return jdbi.withExtension(Dao.class, d -> d.consume(instance.id(), hash,
                clock.instant().minus(FLOW_LIFETIME))) == 1;
    }

    /**
     * One call of a connection flow: a POST whose 200 answer is JSON; anything else is a 502 for the admin that
     * names the step ({@code what}) and the status, never the answer's body.
     */
    JsonNode postForJson(String url, String contentType, String body, String what) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new Refusal(Refusal.Kind.UPSTREAM_FAILED, what + " failed: the instance answered HTTP " + r.statusCode());
            }
            return json.readTree(r.body());
        } catch (IOException e) {
            throw new Refusal(Refusal.Kind.UPSTREAM_FAILED, what + " failed: " + org.sightline.common.IoFailures.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.unavailable("interrupted");
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
