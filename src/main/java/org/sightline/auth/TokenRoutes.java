package org.sightline.auth;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Access;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.common.Refusal;
import org.sightline.web.HttpRefusals;
import org.sightline.web.Page;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API tokens seen and revoked: {@code GET /api/v1/tokens}, {@code DELETE /api/v1/tokens/{id}} (admin scope) and
 * the admins' {@code /tokens} page. Tokens are created on the command line ({@code token create}) or with the
 * page's form; their secret is shown there once and never again.
 */
public final class TokenRoutes {
    private final TokenService tokens;

    private TokenRoutes(TokenService tokens) {
        this.tokens = tokens;
    }

    public static void register(RoutesConfig routes, TokenService tokens) {
        TokenRoutes r = new TokenRoutes(tokens);
        routes.get("/api/v1/tokens", r::listApi, Access.token(Scope.ADMIN));
        routes.delete("/api/v1/tokens/{id}", r::revokeApi, Access.token(Scope.ADMIN));
        routes.get("/tokens", ctx -> r.page(ctx, 200, Map.of()), Access.panel(Role.ADMIN));
        routes.post("/tokens", r::createPanel, Access.panel(Role.ADMIN));
        routes.post("/tokens/{id}/revoke", r::revokePanel, Access.panel(Role.ADMIN));
    }

    /** A token as the API and the command line show it: never its secret or hash. */
    public static Map<String, Object> view(TokenDao.Listed t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", t.id());
        out.put("name", t.name());
        out.put("scopes", Arrays.asList(t.scopes().split(",")));
        out.put("created_at", text(t.createdAt()));
        out.put("expires_at", text(t.expiresAt()));
        out.put("last_used_at", text(t.lastUsedAt()));
        out.put("last_used_from", t.lastUsedFrom());
        out.put("instance", t.instanceName());
        return out;
    }

    private void listApi(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TokenDao.Listed t : tokens.list()) out.add(view(t));
        ctx.json(Map.of("tokens", out));
    }

    private void revokeApi(Context ctx) {
        TokenDao.Listed t = tokens.revoke(id(ctx), "token:" + Access.principal(ctx).name());
        ctx.json(Map.of("revoked", view(t)));
    }

    private void revokePanel(Context ctx) {
        String admin = Access.requireSession(ctx).user().name();
        try {
            TokenDao.Listed t = tokens.revoke(id(ctx), admin);
            page(ctx, 200, Map.of("message", "Token '" + t.name() + "' revoked: it no longer works."));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    /** The page's form: name, scope checkboxes, an optional instance binding and expiry; the secret shown once. */
    private void createPanel(Context ctx) {
        String admin = Access.requireSession(ctx).user().name();
        try {
            java.util.Set<Scope> scopes = Scope.parseList(String.join(",", ctx.formParams("scope")));
            String expires = ctx.formParam("expires");
            TokenService.Created c = tokens.create(ctx.formParam("name"), scopes,
                    expires == null || expires.isBlank() ? null : TokenService.parseLifetime(expires),
                    ctx.formParam("instance"), admin);
            ctx.header("Cache-Control", "no-store"); // the secret is on this page
            page(ctx, 201, Map.of("message", "Token '" + c.name() + "' created. Copy it now: it is not shown again.",
                    "secret", c.token()));
        } catch (IllegalArgumentException e) {
            page(ctx, 400, Map.of("error", e.getMessage()));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    private void page(Context ctx, int status, Map<String, Object> extra) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TokenDao.Listed t : tokens.list()) {
            Map<String, Object> row = new HashMap<>(view(t));
            row.put("scopes", t.scopes().replace(",", ", "));
            row.put("instance", t.instanceName() == null ? "any" : t.instanceName());
            row.put("expired", tokens.expired(t));
            rows.add(row);
        }
        Map<String, Object> model = new HashMap<>(extra);
        model.put("tokens", rows);
        ctx.status(status);
        Page.render(ctx, "tokens.peb", model);
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no token " + ctx.pathParam("id"));
        }
    }
}
