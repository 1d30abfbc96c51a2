package org.sightline.access;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;

/**
 * Who may call a route, declared as data beside the route ({@code routes.get(path, handler, Access.panel(..))})
 * and checked by the one guard before the handler runs. A route without an {@code Access} is refused.
 */
public record Access(Kind kind, Role role, Scope scope) implements RouteRole {

    public enum Kind {
        /** Anyone: health checks, the login form, published lists. */
        OPEN,
        /** The handler checks a per-instance secret itself (webhook HMAC, pict-rs gate secret, list token). */
        SELF_AUTHENTICATED,
        /** A logged-in panel user with at least {@link #role}; state changes need the session's CSRF token. */
        PANEL,
        /** A bearer API token that holds {@link #scope}. */
        TOKEN,
        /**
         * The command line on this host, talking to the running server: the key {@code serve} wrote to the
         * owner-only file {@code admin.key} in the data directory, from a loopback address. Admin rights.
         */
        LOCAL,
        /**
         * A bearer API token that holds {@link #scope}, or no token at all from a client address in the trusted
         * networks the guard was given ({@code hma.trusted_networks}): HMA's API, which its clients call without
         * credentials on a private network.
         */
        TOKEN_OR_TRUSTED_NETWORK
    }

    private static final String SESSION = "sightline.session";
    private static final String PRINCIPAL = "sightline.principal";
    private static final String LOCAL_ACTOR = "sightline.local-actor";
    private static final String NETWORK_ACTOR = "sightline.network-actor";

    public static Access open() {
        return new Access(Kind.OPEN, null, null);
    }

    public static Access selfAuthenticated() {
        return new Access(Kind.SELF_AUTHENTICATED, null, null);
    }

    public static Access panel(Role role) {
        return new Access(Kind.PANEL, role, null);
    }

    public static Access token(Scope scope) {
        return new Access(Kind.TOKEN, null, scope);
    }

    /** A token with {@code scope}, or no token from a trusted network ({@link Kind#TOKEN_OR_TRUSTED_NETWORK}). */
    public static Access tokenOrTrustedNetwork(Scope scope) {
        return new Access(Kind.TOKEN_OR_TRUSTED_NETWORK, null, scope);
    }

    /** Set by the guard once a call without a token from a trusted network is admitted: {@code network:<address>}. */
    public static void admitNetwork(Context ctx, String actor) {
        ctx.attribute(NETWORK_ACTOR, actor);
    }

    /**
     * The audit actor of a {@link Kind#TOKEN_OR_TRUSTED_NETWORK} route's caller: {@code token:<name>}, or
     * {@code network:<address>} for a call without a token from a trusted network.
     */
    public static String tokenOrNetworkActor(Context ctx) {
        String network = ctx.attribute(NETWORK_ACTOR);
        if (network != null) return network;
        return tokenActor(ctx);
    }

    /** The command line of this host, holding the data directory's local admin key ({@link Kind#LOCAL}). */
    public static Access local() {
        return new Access(Kind.LOCAL, null, null);
    }

    /** The access rule of the route {@code ctx} matched, or null when it declares none. */
    public static Access of(Context ctx) {
        Access found = null;
        for (RouteRole r : ctx.routeRoles()) {
            if (r instanceof Access a) {
                if (found != null) return null; // two rules on one route: ambiguous, so none
                found = a;
            }
        }
        return found;
    }

    /** Whether the request is for a panel page (answered with pages rather than JSON). */
    public static boolean panelRequest(Context ctx) {
        Access a = of(ctx);
        return a != null && a.kind == Kind.PANEL || session(ctx) != null;
    }

    /** Set by the guard once a panel session is admitted. */
    public static void admit(Context ctx, PanelSession session) {
        ctx.attribute(SESSION, session);
    }

    public static void admit(Context ctx, Principal principal) {
        ctx.attribute(PRINCIPAL, principal);
    }

    /** Set by the guard once a command-line call is admitted: its audit actor ({@code cli:<os user>}). */
    public static void admitLocal(Context ctx, String actor) {
        ctx.attribute(LOCAL_ACTOR, actor);
    }

    /** The audit actor of a {@link Kind#LOCAL} route's caller. */
    public static String localActor(Context ctx) {
        String a = ctx.attribute(LOCAL_ACTOR);
        if (a == null) throw new IllegalStateException("route declared without Access.local");
        return a;
    }

    /** The panel session of a {@link Kind#PANEL} route, or null where there is none (open routes). */
    public static PanelSession session(Context ctx) {
        return ctx.attribute(SESSION);
    }

    /** The panel session the guard admitted; only on {@link Kind#PANEL} routes. */
    public static PanelSession requireSession(Context ctx) {
        PanelSession s = session(ctx);
        if (s == null) throw new IllegalStateException("route declared without Access.panel");
        return s;
    }

    /** The audit actor of a {@link Kind#TOKEN} route's caller: {@code token:<token name>}. */
    public static String tokenActor(Context ctx) {
        return "token:" + principal(ctx).name();
    }

    /** The token the guard admitted; only on {@link Kind#TOKEN} routes. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) throw new IllegalStateException("route declared without Access.token");
        return p;
    }
}
