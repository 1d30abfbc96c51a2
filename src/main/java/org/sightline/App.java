package org.sightline;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import org.sightline.config.Config;
import org.sightline.web.ApiError;

import java.util.Map;

/**
 * Builds the HTTP server from its dependencies. Nothing here is static: two apps with two sets of
 * dependencies can run side by side in one JVM (the tests do).
 */
public final class App {

    /** Everything the routes need, built by {@link Main} (or by a test). */
    public record Deps(Config config) {
    }

    private App() {
    }

    /** Returns an unstarted server with every route registered. */
    public static Javalin create(Deps deps) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = deps.config().maxMediaBytes() + 1024 * 1024;

            config.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));

            config.routes.exception(ApiError.class, (e, ctx) ->
                    ctx.status(e.status()).json(Map.of("error", e.code(), "message", e.getMessage())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                org.slf4j.LoggerFactory.getLogger(App.class)
                        .error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                        .json(Map.of("error", "internal", "message", "internal error; see the server log"));
            });
        });
    }
}
