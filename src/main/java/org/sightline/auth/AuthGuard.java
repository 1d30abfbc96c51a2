package org.sightline.auth;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import org.sightline.users.PanelSession;
import org.sightline.users.Role;
import org.sightline.users.UserService;
import org.sightline.common.Refusal;
import org.sightline.web.Cookies;
import org.sightline.web.Csrf;
import org.sightline.web.Page;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Wraps route handlers with their access decision: every route is registered through {@link #requires},
 * {@link #session}, {@link #selfAuthenticated} or {@link #open}, so none can be added without saying who may
 * call it.
 */
public final class AuthGuard {
    private static final String PRINCIPAL = "sightline.principal";
    private static final String SESSION = "sightline.session";
    private final TokenService tokens;
    private final UserService users;

    public AuthGuard(TokenService tokens, UserService users) {
        this.tokens = tokens;
        this.users = users;
    }

    /**
     * A panel route for a logged-in user with at least {@code role}. Without a session a page request is sent to
     * the login page and anything else gets 401; a lesser role gets 403; a state-changing request must carry the
     * session's CSRF token (403 otherwise).
     */
    public Handler session(Role role, Handler handler) {
        return ctx -> {
            PanelSession s = users.session(ctx.cookie(Cookies.SESSION)).orElse(null);
            boolean safe = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD;
            if (s == null) {
                if (safe) {
                    String next = ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
                    ctx.header("Cache-Control", "no-store");
                    ctx.redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
                } else {
                    ctx.status(401).contentType("text/plain; charset=utf-8").result("login required");
                }
                return;
            }
            ctx.attribute(SESSION, s);
            if (!s.user().can(role)) {
                Page.error(ctx, 403, "This page needs the " + role.wireName() + " role.");
                return;
            }
            if (!safe && !Csrf.valid(ctx, s.csrfToken())) {
                Page.error(ctx, 403, "The form was stale or did not come from this panel (CSRF token missing or wrong). Reload the page and try again.");
                return;
            }
            handler.handle(ctx);
        };
    }

    /** The session that {@link #session} admitted. */
    public static PanelSession panelSession(Context ctx) {
        PanelSession s = ctx.attribute(SESSION);
        if (s == null) throw new IllegalStateException("route registered without AuthGuard.session");
        return s;
    }

    public static PanelSession panelSessionOrNull(Context ctx) {
        return ctx.attribute(SESSION);
    }

    /** The handler runs only for a bearer token that holds {@code scope} (401 without a valid token, 403 without the scope). */
    public Handler requires(Scope scope, Handler handler) {
        return ctx -> {
            Principal p = authenticate(ctx);
            if (!p.has(scope)) {
                throw Refusal.forbidden("this token lacks the '" + scope.wireName() + "' scope");
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
        // Wrapped like every other decision, so a test can tell guarded routes from unguarded ones.
        return ctx -> handler.handle(ctx);
    }

    /** A deliberately public route (health checks). */
    public Handler open(Handler handler) {
        return ctx -> handler.handle(ctx);
    }

    /** Whether a registered handler came out of this class (each decision returns its own wrapper). */
    public static boolean madeDecision(Handler handler) {
        return handler.getClass().getName().startsWith(AuthGuard.class.getName() + "$$Lambda");
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
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "missing bearer token (Authorization: Bearer <token>)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "the Authorization header must be 'Bearer <token>'");
        }
        return tokens.authenticate(header.substring(7).trim()).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return new Refusal(Refusal.Kind.UNAUTHENTICATED, "invalid token");
        });
    }
}
