package org.sightline.auth;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.sightline.access.Access;
import org.sightline.access.Networks;
import org.sightline.access.PanelSession;
import org.sightline.access.Principal;
import org.sightline.common.Refusal;
import org.sightline.users.UserService;
import org.sightline.web.ClientAddress;
import org.sightline.web.Cookies;
import org.sightline.web.Csrf;
import org.sightline.web.Page;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The one guard: before any matched route runs, it checks the {@link Access} rule the route declares. A route
 * that declares none (or two) is refused, so none can be added without saying who may call it.
 */
public final class AuthGuard {
    private final TokenService tokens;
    private final UserService users;
    private final LocalKey localKey;
    private final ClientAddress clients;
    private final Networks trustedNetworks;

    /**
     * {@code localKey} null: no command-line channel (PostgreSQL, where commands use the database directly);
     * {@code clients}: the address a token's use is recorded from, and that {@code trustedNetworks} (the callers
     * admitted without a token on {@link Access.Kind#TOKEN_OR_TRUSTED_NETWORK} routes) is checked against.
     */
    public AuthGuard(TokenService tokens, UserService users, LocalKey localKey, ClientAddress clients,
                     Networks trustedNetworks) {
        this.trustedNetworks = trustedNetworks;
        this.tokens = tokens;
        this.users = users;
        this.localKey = localKey;
        this.clients = clients;
    }

    /** Installs the check in front of every matched route. */
    public void install(RoutesConfig routes) {
        routes.beforeMatched(this::check);
    }

    /**
     * For a page answered without a route (the panel's 404): admits the visitor's session if the cookie carries
     * one, so the page shows the panel's navigation; never refuses.
     */
    public void admitSessionIfAny(Context ctx) {
        users.session(ctx.cookie(Cookies.SESSION)).ifPresent(s -> Access.admit(ctx, s));
    }

    void check(Context ctx) {
        Access access = Access.of(ctx);
        if (access == null) {
            ctx.skipRemainingHandlers();
            throw Refusal.forbidden("this route declares no access rule");
        }
        switch (access.kind()) {
            case OPEN, SELF_AUTHENTICATED -> {
            }
            case TOKEN -> admitToken(ctx, access);
            case TOKEN_OR_TRUSTED_NETWORK -> {
                String header = ctx.header("Authorization");
                if (header == null || header.isBlank()) {
                    String from = clients.of(ctx);
                    if (trustedNetworks.contains(from)) {
                        Access.admitNetwork(ctx, "network:" + from);
                        return;
                    }
                    ctx.header("WWW-Authenticate", "Bearer");
                    throw new Refusal(Refusal.Kind.UNAUTHENTICATED,
                            "missing bearer token (Authorization: Bearer <token>); calls without one are only taken from hma.trusted_networks");
                }
                admitToken(ctx, access);
            }
            case PANEL -> panel(ctx, access);
            case LOCAL -> Access.admitLocal(ctx, local(ctx));
        }
    }

    /** A bearer token that holds the route's scope. */
    private void admitToken(Context ctx, Access access) {
        Principal p = authenticate(ctx);
        if (!p.has(access.scope())) {
            throw Refusal.forbidden("this token lacks the '" + access.scope().wireName() + "' scope");
        }
        Access.admit(ctx, p);
    }

    /**
     * A command on this host: a direct connection from a loopback address (or from the host to its own address),
     * not relayed by a proxy, carrying the local admin key. Returns the audit actor {@code cli:<os user>}.
     */
    private String local(Context ctx) {
        if (localKey == null) throw Refusal.forbidden("the command-line channel is off on this server");
        String remote = ctx.req().getRemoteAddr();
        boolean sameHost;
        try {
            // the remote address is a literal: no name lookup happens
            sameHost = remote != null && !remote.isBlank() && (java.net.InetAddress.getByName(remote).isLoopbackAddress()
                    || remote.equals(ctx.req().getLocalAddr()));
        } catch (java.net.UnknownHostException e) {
            sameHost = false;
        }
        if (!sameHost || ctx.header("X-Forwarded-For") != null || ctx.header("Forwarded") != null) {
            throw Refusal.forbidden("the command-line channel only answers this host");
        }
        String header = ctx.header("Authorization");
        String prefix = LocalKey.SCHEME + " ";
        if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())
                || !localKey.matches(header.substring(prefix.length()))) {
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "missing or wrong local admin key (" + LocalKey.KEY_FILE + ")");
        }
        String user = ctx.header(LocalKey.USER_HEADER);
        user = user == null ? "" : user.replaceAll("[^A-Za-z0-9._@-]", "");
        if (user.length() > 64) user = user.substring(0, 64);
        return "cli:" + (user.isEmpty() ? "unknown" : user);
    }

    /**
     * A panel route for a logged-in user with at least the route's role. Without a session a page request is
     * sent to the login page and anything else gets 401; a lesser role gets 403; a state-changing request must
     * carry the session's CSRF token (403 otherwise).
     */
    private void panel(Context ctx, Access access) {
        PanelSession s = users.session(ctx.cookie(Cookies.SESSION)).orElse(null);
        boolean safe = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD;
        if (s == null) {
            ctx.skipRemainingHandlers();
            if (safe) {
                String next = ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
                ctx.header("Cache-Control", "no-store");
                ctx.redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            } else {
                ctx.status(401).contentType("text/plain; charset=utf-8").result("login required");
            }
            return;
        }
        Access.admit(ctx, s);
        if (!s.user().can(access.role())) {
            ctx.skipRemainingHandlers();
            Page.error(ctx, 403, "This page needs the " + access.role().wireName() + " role.");
            return;
        }
        if (!safe && !Csrf.valid(ctx, s.csrfToken())) {
            ctx.skipRemainingHandlers();
            Page.error(ctx, 403, "The form was stale or did not come from this panel (CSRF token missing or wrong). Reload the page and try again.");
        }
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
        return tokens.authenticate(header.substring(7).trim(), clients.of(ctx)).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return new Refusal(Refusal.Kind.UNAUTHENTICATED, "invalid token");
        });
    }
}
