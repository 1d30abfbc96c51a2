package org.sightline.web;

import org.sightline.access.Access;
import io.javalin.config.RoutesConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The panel's one stylesheet and one script, from {@code templates/} in the jar; public, as the login page needs them. */
public final class StaticRoutes {
    private StaticRoutes() {
    }

    public static void register(RoutesConfig routes) {
        byte[] css = load("templates/panel.css");
        byte[] js = load("templates/panel.js");
        routes.get("/static/panel.css", ctx -> ctx.contentType("text/css; charset=utf-8")
                .header("Cache-Control", "max-age=300").result(css), Access.open());
        routes.get("/static/panel.js", ctx -> ctx.contentType("text/javascript; charset=utf-8")
                .header("Cache-Control", "max-age=300").result(js), Access.open());
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
