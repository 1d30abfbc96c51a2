package org.sightline.web;

import io.javalin.http.Context;

/** Writes the panel's cookies: HttpOnly, SameSite=Lax, and Secure over HTTPS or behind a TLS proxy. */
public final class Cookies {
    public static final String SESSION = "sightline_session";
    /** The pre-session CSRF cookie for the login and invitation forms (double submit). */
    public static final String PRE_SESSION = "sightline_pre";

    private final boolean alwaysSecure;

    public Cookies(boolean alwaysSecure) {
        this.alwaysSecure = alwaysSecure;
    }

    public void set(Context ctx, String name, String value) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" + secure(ctx));
    }

    public void clear(Context ctx, String name) {
        ctx.res().addHeader("Set-Cookie", name + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + secure(ctx));
    }

    private String secure(Context ctx) {
        return alwaysSecure || "https".equalsIgnoreCase(ctx.scheme()) ? "; Secure" : "";
    }
}
