package org.sightline.instances;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.common.IoFailures;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns what an instance's API token may do, so that the case page offers only actions that can work, also for a
 * token an admin pasted (whose scopes no connect flow here chose).
 * <ul>
 *   <li>Mastodon (4.3.0 and later) and Pleroma/Akkoma: {@code GET /api/v1/apps/verify_credentials} with the token
 *   answers the token's application with its {@code scopes}. A token made under Preferences → Development has its
 *   application's scopes. Before 4.3.0 the answer has no {@code scopes} (and needed {@code read}): unknown.</li>
 *   <li>Misskey has no endpoint that tells a token its permissions ({@code i/apps} is for Misskey's own web client
 *   only). Misskey checks a call's role and the token's permission for the endpoint <em>before</em> it reads the
 *   parameters, so each action's endpoint is called with no parameters: {@code INVALID_PARAM} means allowed (and
 *   nothing was done), {@code PERMISSION_DENIED} means the token lacks the permission,
 *   {@code ROLE_PERMISSION_DENIED} that its account lacks the role. {@code POST /api/i} names the account's role.</li>
 * </ul>
 * Scopes are never a reason to refuse a token: when the server does not say, they are unknown and the actions are
 * offered with a warning.
 */
public final class TokenScopes {
    /** Misskey's permission (endpoint kind) per endpoint Sightline's actions call. */
    static final Map<String, String> MISSKEY_PROBES = probes();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ObjectMapper json = new ObjectMapper();

    private static Map<String, String> probes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("users/report-abuse", "write:report-abuse");
        m.put("drive/files/update", "write:drive");
        m.put("notes/delete", "write:notes");
        m.put("admin/suspend-user", "write:admin:suspend-user");
        m.put("admin/unsuspend-user", "write:admin:unsuspend-user");
        return m;
    }

    /**
     * What was learned: the scopes (Mastodon's, space-separated) or permissions (Misskey's) the token holds, null
     * when the server did not say; and a line for the admin and the audit log (never the token).
     */
    public record Checked(String scopes, String note) {
        public boolean known() {
            return scopes != null;
        }
    }

    public Checked check(Instance instance, String token) {
        try {
            return switch (instance.kind()) {
                case MASTODON, PLEROMA -> mastodon(instance, token);
                case MISSKEY -> misskey(instance, token);
                default -> new Checked(null, instance.kind().wireName() + " tokens have no scopes to learn");
            };
        } catch (IOException e) {
            return new Checked(null, "the scopes could not be checked: " + IoFailures.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Checked(null, "the scopes could not be checked: interrupted");
        } catch (IllegalArgumentException e) {
            return new Checked(null, "the scopes could not be checked: bad instance URL");
        }
    }

    private Checked mastodon(Instance instance, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/api/v1/apps/verify_credentials"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 401) return new Checked(null, "the instance refused the token (HTTP 401): check it");
        if (r.statusCode() != 200) {
            return new Checked(null, "the instance did not say the token's scopes (HTTP " + r.statusCode()
                    + "; Mastodon before 4.3 needs read for this)");
        }
        JsonNode scopes = json.readTree(r.body()).get("scopes");
        if (scopes == null || !scopes.isArray()) {
            return new Checked(null, "the instance did not say the token's scopes (Mastodon before 4.3)");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode s : scopes) if (s.isTextual() && s.asText().matches("[a-z:_]{1,64}")) list.add(s.asText());
        String joined = String.join(" ", list);
        return new Checked(joined, "the token's application has the scopes " + (joined.isEmpty() ? "(none)" : joined));
    }

    private Checked misskey(Instance instance, String token) throws IOException, InterruptedException {
        HttpResponse<String> me = post(instance, "i", token);
        String role;
        if (me.statusCode() == 200) {
            JsonNode user = json.readTree(me.body());
            role = user.path("isAdmin").asBoolean(false) ? "an administrator"
                    : user.path("isModerator").asBoolean(false) ? "a moderator" : "not a moderator";
        } else if (errorCode(me).equals("PERMISSION_DENIED")) {
            role = "of a role not known (the token lacks read:account)";
        } else {
            return new Checked(null, "the instance refused the token (" + errorCode(me) + "): check it");
        }
        List<String> allowed = new ArrayList<>(), denied = new ArrayList<>();
        boolean undecided = false;
        for (Map.Entry<String, String> probe : MISSKEY_PROBES.entrySet()) {
            HttpResponse<String> r = post(instance, probe.getKey(), token);
            String code = errorCode(r);
            switch (code) {
                case "INVALID_PARAM" -> allowed.add(probe.getValue());
                case "PERMISSION_DENIED" -> denied.add(probe.getValue());
                case "ROLE_PERMISSION_DENIED" -> denied.add(probe.getValue() + " (role)");
                default -> undecided = true; // an answer Misskey does not give to a call without parameters
            }
        }
        if (undecided) {
            return new Checked(null, "the account is " + role + "; the instance's answers did not tell the token's"
                    + " permissions");
        }
        String joined = String.join(" ", allowed);
        return new Checked(joined, "the account is " + role + "; the token allows " + (joined.isEmpty() ? "none of"
                : joined) + (denied.isEmpty() ? "" : "; not " + String.join(", ", denied)));
    }

    private HttpResponse<String> post(Instance instance, String endpoint, String token) throws IOException, InterruptedException {
        // no parameters but the token: Misskey checks role and permission before it reads them, and stops there
        String body = json.createObjectNode().put("i", token).toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/api/" + endpoint))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Misskey's {@code error.code}, or {@code HTTP <status>} when the answer has none. */
    private String errorCode(HttpResponse<String> r) {
        try {
            JsonNode code = json.readTree(r.body() == null || r.body().isEmpty() ? "{}" : r.body()).path("error").path("code");
            if (code.isTextual()) return code.asText();
        } catch (IOException e) {
            // not JSON (a proxy's page): the status says enough
        }
        return "HTTP " + r.statusCode();
    }
}
