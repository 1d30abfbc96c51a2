package org.sightline.instances;

import org.sightline.common.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import org.jdbi.v3.core.Jdbi;
import org.sightline.config.SecretBox;
import org.sightline.common.Refusal;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Connects a Misskey instance with MiAuth: the admin, logged in to Misskey with a moderator account, approves
 * Sightline on the instance's {@code /miauth/<session>} page with only the permissions the chosen actions need;
 * Misskey sends the browser back with the session, whose token Sightline then fetches once
 * ({@code POST /api/miauth/<session>/check}) and stores encrypted. The session is random and kept hashed, so a
 * callback cannot be forged, and it is used once.
 */
public final class MisskeyConnect extends ConnectFlow {
    public MisskeyConnect(Jdbi jdbi, InstanceService instances, SecretBox secrets, SecureRandom random, String publicUrl,
                          Clock clock) {
        super(jdbi, instances, secrets, random, publicUrl, clock);
    }

    /** The Misskey permissions for the actions Sightline will take, plus reading new uploads (the polls). */
    public static String permissionsFor(Set<String> actions) {
        Set<String> permissions = new TreeSet<>();
        permissions.add("read:admin:drive");
        for (String action : actions) {
            switch (action) {
                case "report" -> permissions.add("write:report-abuse");
                case "mark_sensitive" -> permissions.add("write:drive");
                case "delete" -> permissions.add("write:notes");
                case "account_action" -> { // and its undo, when a retraction withdraws its evidence
                    permissions.add("write:admin:suspend-user");
                    permissions.add("write:admin:unsuspend-user");
                }
                default -> throw Refusal.invalid("unknown action '" + action
                        + "': choose from report, mark_sensitive, delete, account_action");
            }
        }
        return String.join(",", permissions);
    }

    public String callbackUrl(Instance instance) {
        return publicUrl + "/instances/" + instance.name() + "/miauth/callback";
    }

    /** Starts a MiAuth session and returns the instance's page where the admin approves it. */
    public String start(String instanceName, Set<String> actions) {
        Instance instance = misskey(instanceName);
        String permissions = permissionsFor(actions);
        String session = randomUuid();
        jdbi.useExtension(Dao.class, d -> d.pending(instance.id(), null, null,
                Digests.sha256Hex(session), permissions, clock.instant()));
        return instance.baseUrl() + "/miauth/" + session + "?name=Sightline&callback=" + enc(callbackUrl(instance))
                + "&permission=" + enc(permissions);
    }

    /**
     * Fetches the approved session's token, if {@code session} is the one this instance's flow started (then
     * it is used up). The account that approved must be a moderator: Misskey refuses the polls and moderation
     * calls to anyone else.
     */
    public Instance finish(String instanceName, String session) {
        Instance instance = misskey(instanceName);
        if (session == null || !session.matches("[0-9a-f-]{36}") || !consumeState(instance, session)) {
            throw new Refusal(Refusal.Kind.INVALID, "bad_state", "this approval was not started here, was already used, or is over "
                    + FLOW_LIFETIME.toMinutes() + " minutes old");
        }
        JsonNode answer = check(instance, session);
        String token = answer.path("ok").asBoolean(false) ? answer.path("token").asText(null) : null;
        if (token == null || token.isBlank()) {
            throw new Refusal(Refusal.Kind.UPSTREAM_FAILED, "the instance gave no token for this session: was it approved?");
        }
        // what the check answers about the user differs between versions: ask the instance itself whether the
        // token may do what only moderators may (list every upload)
        if (!moderatorToken(instance, token)) {
            throw new Refusal(Refusal.Kind.INVALID, "not_a_moderator", "the account that approved is not a moderator of "
                    + instance.name() + ": log in to Misskey as a moderator and connect again");
        }
        jdbi.useExtension(Dao.class, d -> d.connected(instance.id(),
                secrets.seal(token, "instance:" + instance.name() + ":api_token")));
        return instances.find(instance.id()).orElseThrow();
    }

    private boolean moderatorToken(Instance instance, String token) {
        String body = json.createObjectNode().put("i", token).put("limit", 1).toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/api/admin/drive/files"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            throw new Refusal(Refusal.Kind.UPSTREAM_FAILED, "checking the token failed: " + org.sightline.common.IoFailures.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.unavailable("interrupted");
        }
    }

    private JsonNode check(Instance instance, String session) {
        return postForJson(instance.baseUrl() + "/api/miauth/" + session + "/check", "application/json", "{}",
                "fetching the token");
    }

    private Instance misskey(String name) {
        return instances.find(name).filter(i -> i.kind() == InstanceKind.MISSKEY)
                .orElseThrow(() -> Refusal.notFound("no Misskey instance named '" + name + "'"));
    }

    /** A version 4 UUID from the server's SecureRandom (MiAuth sessions are UUIDs). */
    private String randomUuid() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        ByteBuffer buffer = ByteBuffer.wrap(b);
        return new UUID(buffer.getLong(), buffer.getLong()).toString();
    }

}
