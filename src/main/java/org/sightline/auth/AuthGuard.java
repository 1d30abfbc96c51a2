package org.sightline.auth;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.sightline.web.ApiError;

/**
 * Wraps route handlers with their access decision: every route is registered through {@link #requires} or
 * {@link #open}, so none can be added without saying who may call it.
 */
public final class AuthGuard {
    private static final String PRINCIPAL = "sightline.principal";
    private final TokenService tokens;

    public AuthGuard(TokenService tokens) {
        this.tokens = tokens;
    }

    /** The handler runs only for a bearer token that holds {@code scope} (401 without a valid token, 403 without the scope). */
    public Handler requires(Scope scope, Handler handler) {
        return ctx -> {
            Principal p = authenticate(ctx);
            if (!p.has(scope)) {
                throw new ApiError(403, "forbidden", "this token lacks the '" + scope.wireName() + "' scope");
            }
            ctx.attribute(PRINCIPAL, p);
            handler.handle(ctx);
        };
    }

    /**
     * A route that authenticates each request itself, by a per-instance secret (webhook HMAC signature,
     * pict-rs gate secret) rather than by a bearer token.
     */
    public Handler selfAuthenticated(Handler handler) {
        return handler;
    }

    /** A deliberately public route (health checks). */
    public Handler open(Handler handler) {
        return handler;
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) throw new IllegalStateException("route registered without AuthGuard.requires");
        return p;
    }

    private Principal authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "unauthorized", "missing bearer token (Authorization: Bearer <token>)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "unauthorized", "the Authorization header must be 'Bearer <token>'");
        }
        return tokens.authenticate(header.substring(7).trim()).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return new ApiError(401, "unauthorized", "invalid token");
        });
    }
}
