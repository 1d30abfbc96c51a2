package org.sightline.boot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Access;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.access.User;
import org.sightline.audit.AuditLog;
import org.sightline.audit.Checkpoint;
import org.sightline.auth.TokenDao;
import org.sightline.auth.TokenRoutes;
import org.sightline.auth.TokenService;
import org.sightline.common.Refusal;
import org.sightline.federation.CheckpointKeys;
import org.sightline.instances.InstanceService;
import org.sightline.web.JsonBody;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/local/…}: what the data commands ({@code token create|list|revoke}, {@code user add}, {@code instance add},
 * {@code audit verify|checkpoint}) do when a server holds the embedded database. Only the command line of this
 * host may call them ({@link Access#local()}: the key in {@code admin.key}, from a loopback address); every call
 * is audited as {@code cli:<os user>}. JSON in and out; refusals as everywhere else.
 */
public final class LocalAdminRoutes {
    public static final String BASE = "/api/v1/local";

    private final App.Deps deps;
    private final ObjectMapper json;

    private LocalAdminRoutes(App.Deps deps, ObjectMapper json) {
        this.deps = deps;
        this.json = json;
    }

    static void register(RoutesConfig routes, App.Deps deps, ObjectMapper json) {
        LocalAdminRoutes r = new LocalAdminRoutes(deps, json);
        routes.post(BASE + "/tokens", r::createToken, Access.local());
        routes.get(BASE + "/tokens", r::listTokens, Access.local());
        routes.delete(BASE + "/tokens/{ref}", r::revokeToken, Access.local());
        routes.post(BASE + "/users", r::addUser, Access.local());
        routes.post(BASE + "/instances", r::addInstance, Access.local());
        routes.delete(BASE + "/instances/{name}", ctx -> ctx.json(Map.of("removed",
                deps.instances().remove(ctx.pathParam("name"), Access.localActor(ctx)).name())), Access.local());
        routes.post(BASE + "/audit/verify", r::verifyAudit, Access.local());
        routes.post(BASE + "/audit/checkpoint", r::checkpoint, Access.local());
        routes.post(BASE + "/audit/keygen", r::keygen, Access.local());
    }

    /**
     * {@code {"name", "scopes": "match,banks:read", "expires": "90d"?, "instance"?}} → 201 {@code {"id", "name", "scopes",
     * "expires_at", "token"}} (the token shown once).
     */
    private void createToken(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "{\"name\": …, \"scopes\": \"match,banks:read\", \"expires\": \"90d\"}");
        String name = text(body, "name");
        TokenService.Created created;
        try {
            Set<Scope> scopes = Scope.parseList(text(body, "scopes") == null ? "" : text(body, "scopes"));
            String expires = text(body, "expires");
            created = deps.tokens().create(name, scopes, expires == null ? null : TokenService.parseLifetime(expires),
                    text(body, "instance"), Access.localActor(ctx));
        } catch (IllegalArgumentException e) {
            throw refusal(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", created.id());
        out.put("name", created.name());
        out.put("scopes", List.of(TokenService.wire(created.scopes()).split(",")));
        out.put("expires_at", created.expiresAt() == null ? null : created.expiresAt().toString());
        out.put("instance", created.instance());
        out.put("token", created.token());
        ctx.status(201).json(out);
    }

    /** → {@code {"tokens": [{"id", "name", "scopes", "created_at", "expires_at", "last_used_at", "last_used_from"}]}}. */
    private void listTokens(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TokenDao.Listed t : deps.tokens().list()) out.add(TokenRoutes.view(t));
        ctx.json(Map.of("tokens", out));
    }

    /** {@code DELETE …/tokens/{name or id}} → {@code {"revoked": {…}}}. */
    private void revokeToken(Context ctx) {
        ctx.json(Map.of("revoked", TokenRoutes.view(deps.tokens().revoke(ctx.pathParam("ref"), Access.localActor(ctx)))));
    }

    /** {@code {"name", "role", "password"?}} → 201 {@code {"name", "role", "password"?}} (a generated one, once). */
    private void addUser(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "{\"name\": …, \"role\": \"admin\", \"password\": …}");
        String password = text(body, "password");
        boolean generated = password == null;
        User u;
        try {
            Role role = Role.parse(text(body, "role") == null ? "" : text(body, "role"));
            if (generated) password = deps.users().generatePassword();
            u = deps.users().create(text(body, "name"), role, password);
        } catch (IllegalArgumentException e) {
            throw refusal(e);
        }
        deps.audit().append(Access.localActor(ctx), "user_add", "user:" + u.name(), "role=" + u.role());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", u.name());
        out.put("role", u.role());
        if (generated) out.put("password", password);
        ctx.status(201).json(out);
    }

    /** The fields of {@code POST /api/v1/instances}; answers with the webhook path and a generated secret, once. */
    private void addInstance(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "a JSON object");
        Integer budget = body.hasNonNull("time_budget_ms") ? body.get("time_budget_ms").asInt() : null;
        InstanceService.Added added = deps.instances().add(new InstanceService.NewInstance(text(body, "name"),
                text(body, "kind"), text(body, "url"), text(body, "webhook_secret"), text(body, "token"),
                text(body, "fail_mode"), budget, text(body, "watch")), Access.localActor(ctx));
        Map<String, Object> out = new LinkedHashMap<>(added.instance().toJson());
        if (added.generatedSecret() != null) out.put("webhook_secret", added.generatedSecret());
        out.put("webhook_path", added.instance().webhookPath());
        ctx.status(201).json(out);
    }

    /**
     * {@code {"key_id", "rotate"}}: {@code keygen} wrote the publishing key's files itself (they are not the
     * database's); while the server holds the database, the command records the event here.
     */
    private void keygen(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "{\"key_id\": …, \"rotate\": false}");
        String keyId = text(body, "key_id");
        if (keyId == null || !keyId.matches("[0-9a-f]{16,64}")) throw Refusal.invalid("key_id must be the key's fingerprint");
        boolean rotate = body.path("rotate").asBoolean(false);
        deps.audit().append(Access.localActor(ctx), rotate ? "keygen_rotate" : "keygen", "key:" + keyId, "");
        ctx.status(201).json(Map.of("recorded", true));
    }

    /** {@code {"checkpoint": {…}?}} → {@code {"ok", "events", "first_bad", "problem", "keyed_from"}}. */
    private void verifyAudit(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "{} or {\"checkpoint\": …}");
        AuditLog audit = deps.audit();
        AuditLog.Verification v;
        if (body.hasNonNull("checkpoint")) {
            Checkpoint cp;
            try {
                cp = Checkpoint.fromJson(body.get("checkpoint"));
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid(e.getMessage());
            }
            v = audit.verify(cp, CheckpointKeys.forDataDir(deps.config().dataDir(), audit));
        } else {
            v = audit.verify();
        }
        // recorded after the walk, so the answer counts the events as they were when asked
        audit.append(Access.localActor(ctx), "audit_verify", "audit", v.ok() ? "ok" : "broken");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", v.ok());
        out.put("events", v.events());
        out.put("first_bad", v.firstBad().orElse(null));
        out.put("problem", v.problem());
        out.put("keyed_from", v.keyedFrom());
        ctx.json(out);
    }

    /** → the signed checkpoint of the current head. */
    private void checkpoint(Context ctx) {
        AuditLog audit = deps.audit();
        Checkpoint cp = audit.checkpoint(CheckpointKeys.forDataDir(deps.config().dataDir(), audit));
        audit.append(Access.localActor(ctx), "audit_checkpoint", "audit", "seq=" + cp.seq());
        ctx.json(cp.toJson());
    }

    private static Refusal refusal(IllegalArgumentException e) {
        String m = e.getMessage() == null ? "invalid request" : e.getMessage();
        return m.contains("already exists") ? new Refusal(Refusal.Kind.CONFLICT, m) : Refusal.invalid(m);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
