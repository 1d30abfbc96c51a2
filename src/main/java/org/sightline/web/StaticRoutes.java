package org.sightline.web;

import io.javalin.config.RoutesConfig;
import org.sightline.auth.AuthGuard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The panel's one stylesheet and one script, from {@code templates/} in the jar; public, as the login page needs them. */
public final class StaticRoutes {
    private StaticRoutes() {
    }

    public static void register(RoutesConfig routes, AuthGuard guard) {
        byte[] css = load("templates/panel.css");
        byte[] js = load("templates/panel.js");
        routes.get("/static/panel.css", guard.open(ctx -> ctx.contentType("text/css; charset=utf-8")
                .header("Cache-Control", "max-age=300").result(css)));
        routes.get("/static/panel.js", guard.open(ctx -> ctx.contentType("text/javascript; charset=utf-8")
                .header("Cache-Control", "max-age=300").result(js)));
    }

    private static byte[] load(String resource) {
        try (InputStream in = StaticRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Headers for every panel page: scripts only from this server, images only from it (or the revealed blob),
     * no framing, no referrer leaking case URLs to a post's server.
     */
    public static void securityHeaders(io.javalin.http.Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                + " img-src 'self' blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
    }
}
