package org.sightline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import org.sightline.auth.AuthGuard;
import org.sightline.auth.TokenService;
import org.sightline.banks.BankRoutes;
import org.sightline.banks.BankService;
import org.sightline.banks.ChangeListener;
import org.sightline.banks.MatchRoutes;
import org.sightline.config.Config;
import org.sightline.matching.Matcher;
import org.sightline.store.Database;
import org.sightline.web.ApiError;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * Builds the HTTP server from its dependencies. Nothing here is static: two apps with two sets of
 * dependencies can run side by side in one JVM (the tests do).
 */
public final class App {

    /**
     * Everything the routes need, built by {@link Main} (or by a test) with {@link #open}. Owns the database
     * pool (and, on PostgreSQL, the listener for other nodes' bank changes; null on H2): close it after
     * stopping the server.
     */
    public record Deps(Config config, Database database, Matcher matcher, BankService banks, TokenService tokens,
                       ChangeListener changes) implements AutoCloseable {

        /** Opens (and migrates) the configured database and loads the match index from it. */
        public static Deps open(Config config) {
            Database db = Database.open(config);
            ChangeListener changes = null;
            try {
                Matcher matcher = new Matcher();
                // On PostgreSQL several nodes may share the database: announce changes, and listen from before
                // the index load so that nothing committed meanwhile is missed.
                BankService banks = new BankService(db.jdbi(), matcher, Clock.systemUTC(), db.postgres());
                if (db.postgres()) changes = ChangeListener.listen(db.jdbi(), banks);
                banks.loadIndex();
                if (changes != null) changes.start();
                return new Deps(config, db, matcher, banks, new TokenService(db.jdbi(), new SecureRandom(), Clock.systemUTC()),
                        changes);
            } catch (RuntimeException e) {
                if (changes != null) changes.close();
                db.close();
                throw e;
            }
        }

        @Override
        public void close() {
            if (changes != null) changes.close();
            database.close();
        }
    }

    private App() {
    }

    /** Returns an unstarted server with every route registered. */
    public static Javalin create(Deps deps) {
        ObjectMapper json = new ObjectMapper();
        AuthGuard guard = new AuthGuard(deps.tokens());
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = deps.config().maxMediaBytes() + 1024 * 1024;
            config.jsonMapper(new JavalinJackson(json, false));

            config.routes.get("/healthz", guard.open(ctx -> ctx.json(Map.of("status", "ok"))));
            BankRoutes.register(config.routes, guard, deps.banks(), json);
            MatchRoutes.register(config.routes, guard, deps.banks(), json);

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
