package org.sightline.instances;

import org.sightline.common.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import org.jdbi.v3.core.Jdbi;
import org.sightline.config.SecretBox;
import org.sightline.common.Refusal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Connects a Mastodon instance with OAuth: registers Sightline as an application asking only for the scopes
 * the chosen actions need, sends the admin to the instance's authorize page, and exchanges the code for a
 * token that is stored encrypted. The {@code state} is random and kept hashed, so a callback cannot be forged.
 */
public final class MastodonConnect extends ConnectFlow {
    public MastodonConnect(Jdbi jdbi, InstanceService instances, SecretBox secrets, SecureRandom random, String publicUrl,
                           Clock clock) {
        super(jdbi, instances, secrets, random, publicUrl, clock);
    }

    /** The minimum OAuth scopes for the actions Sightline will take on the instance. */
    public static String scopesFor(Set<String> actions) {
        Set<String> scopes = new TreeSet<>();
        if (actions.contains("report") || actions.contains("mark_sensitive")) scopes.add("write:reports");
        if (actions.contains("account_action")) {
            scopes.add("admin:write:accounts");
            scopes.add("admin:read:accounts");
        }
        // following the public timelines (watch local/remote/all) reads statuses and their streams
        if (actions.contains("follow")) scopes.add("read:statuses");
        if (scopes.isEmpty()) throw Refusal.invalid("choose at least one action: report, mark_sensitive, account_action, follow");
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
            throw new Refusal(Refusal.Kind.UPSTREAM_FAILED, "the instance did not return a client id and secret");
        }
        byte[] stateBytes = new byte[24];
        random.nextBytes(stateBytes);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(stateBytes);
        jdbi.useExtension(Dao.class, d -> d.pending(instance.id(), clientId,
                secrets.seal(clientSecret, "instance:" + instance.name() + ":oauth_client_secret"),
                Digests.sha256Hex(state), scopes, clock.instant()));
        return instance.baseUrl() + "/oauth/authorize?response_type=code&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc(callbackUrl(instance)) + "&scope=" + enc(scopes) + "&state=" + enc(state);
    }

    /** Exchanges the code from the authorize page for a token, if {@code state} is the one this flow issued. */
    public Instance finish(String instanceName, String code, String state) {
        Instance instance = mastodon(instanceName);
        Dao.Pending pending = jdbi.withExtension(Dao.class, d -> d.pendingFor(instance.id())).orElseThrow();
        if (code == null || !consumeState(instance, state)) {
            throw new Refusal(Refusal.Kind.INVALID, "bad_state", "this authorization was not started here, or was already used");
        }
        String clientSecret = secrets.open(pending.clientSecret(), "instance:" + instance.name() + ":oauth_client_secret");
        String form = "grant_type=authorization_code&code=" + enc(code) + "&client_id=" + enc(pending.clientId())
                + "&client_secret=" + enc(clientSecret) + "&redirect_uri=" + enc(callbackUrl(instance))
                + "&scope=" + enc(pending.scopes());
        String token = post(instance.baseUrl() + "/oauth/token", form, "exchanging the code").path("access_token").asText(null);
        if (token == null) throw new Refusal(Refusal.Kind.UPSTREAM_FAILED, "the instance returned no access token");
        jdbi.useExtension(Dao.class, d -> d.connected(instance.id(),
                secrets.seal(token, "instance:" + instance.name() + ":api_token")));
        return instances.find(instance.id()).orElseThrow();
    }

    private Instance mastodon(String name) {
        return instances.find(name).filter(i -> i.kind() == InstanceKind.MASTODON || i.kind() == InstanceKind.PLEROMA)
                .orElseThrow(() -> Refusal.notFound("no Mastodon or Pleroma instance named '" + name + "'"));
    }

    private JsonNode post(String url, String form, String what) {
        return postForJson(url, "application/x-www-form-urlencoded", form, what);
    }

}
