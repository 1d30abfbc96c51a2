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
import org.sightline.config.SecretBox;
import org.sightline.federation.FederationRoutes;
import org.sightline.federation.KeyFiles;
import org.sightline.federation.PublishService;
import org.sightline.federation.RetroMatcher;
import org.sightline.federation.SubscriptionService;
import org.sightline.federation.SyncScheduler;
import org.sightline.hashing.ImageDecoder;
import org.sightline.hashing.MediaHasher;
import org.sightline.ingest.IngestMetrics;
import org.sightline.ingest.IngestRoutes;
import org.sightline.ingest.IngestService;
import org.sightline.ingest.IngestWorkers;
import org.sightline.ingest.MediaDao;
import org.sightline.ingest.MediaProcessor;
import org.sightline.ingest.ScanService;
import org.sightline.ingest.fetch.FetchSettings;
import org.sightline.ingest.fetch.MediaFetcher;
import org.sightline.ingest.mastodon.MastodonWebhookParser;
import org.sightline.ingest.preview.PreviewRenderer;
import org.sightline.instances.InstanceRoutes;
import org.sightline.instances.InstanceService;
import org.sightline.ops.OpsRoutes;
import org.sightline.matching.Matcher;
import org.sightline.store.Database;
import org.sightline.web.ApiError;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Map;

/**
 * Builds the HTTP server from its dependencies. Nothing here is static: two apps with two sets of
 * dependencies can run side by side in one JVM (the tests do).
 */
public final class App {

    /**
     * Everything the routes need, built by {@link Main} (or by a test) with {@link #open}. Owns the database
     * pool, the workers, the fetcher and, on PostgreSQL, the listener for other nodes' bank changes (null on
     * H2): close it after stopping the server.
     */
    public record Deps(Config config, Database database, Matcher matcher, BankService banks, TokenService tokens,
                       InstanceService instances, IngestMetrics metrics, MediaFetcher fetcher, IngestWorkers workers,
                       IngestService ingest, ScanService scans, ExecutorService gatePool, ChangeListener changes,
                       PublishService lists, SubscriptionService subscriptions, MediaFetcher listFetcher,
                       SyncScheduler listSync)
            implements AutoCloseable {

        /** Opens (and migrates) the configured database and loads the match index from it; starts nothing. */
        public static Deps open(Config config) {
            Database db = Database.open(config);
            ChangeListener changes = null;
            try {
                Clock clock = Clock.systemUTC();
                SecureRandom random = new SecureRandom();
                Matcher matcher = new Matcher();
                // On PostgreSQL several nodes may share the database: announce bank changes, and listen from
                // before the index load so that nothing committed meanwhile is missed.
                BankService banks = new BankService(db.jdbi(), matcher, clock, db.postgres());
                if (db.postgres()) changes = ChangeListener.listen(db.jdbi(), banks);
                banks.loadIndex();
                if (changes != null) changes.start();
                TokenService tokens = new TokenService(db.jdbi(), random, clock);
                InstanceService instances = new InstanceService(db.jdbi(), SecretBox.forDataDir(config.dataDir()),
                        random, clock);
                IngestMetrics metrics = new IngestMetrics();
                MediaHasher hasher = new MediaHasher(new ImageDecoder(config.maxPixels(), config.decodeConcurrency()));
                MediaFetcher fetcher = new MediaFetcher(FetchSettings.from(config));
                MediaProcessor processor = new MediaProcessor(db.jdbi(), fetcher, hasher, new PreviewRenderer(), banks,
                        metrics, clock, config.integer("ingest.max_attempts", 5));
                IngestWorkers workers = new IngestWorkers(db.jdbi(), processor, clock,
                        config.integer("ingest.workers", 4),
                        Duration.ofMillis(config.longValue("ingest.lease_ms", 120_000)),
                        Duration.ofMillis(config.longValue("ingest.poll_ms", 500)));
                IngestService ingest = new IngestService(db.jdbi(), instances, new MastodonWebhookParser(), metrics,
                        clock, workers::wake);
                ExecutorService gatePool = Executors.newFixedThreadPool(config.decodeConcurrency(), r -> {
                    Thread t = new Thread(r, "pictrs-gate");
                    t.setDaemon(true);
                    return t;
                });
                ScanService scans = new ScanService(db.jdbi(), processor, workers, metrics, gatePool, clock);
                MediaDao media = db.jdbi().onDemand(MediaDao.class);
                metrics.gauge("sightline.queue.depth", "media waiting or being processed", media::countUnfinished);
                metrics.gauge("sightline.media.unscanned_24h", "media that could not be scanned in the last 24 h",
                        () -> media.countUnscannedSince(clock.instant().minus(Duration.ofHours(24))));
                PublishService lists = new PublishService(db.jdbi(), banks, new KeyFiles(config.dataDir()), clock,
                        random, config.integer("lists.page_size", 10_000),
                        config.get("lists.publisher").orElse(config.get("lists.public_url").orElse(null)));
                // list documents are larger than media: the same SSRF-safe fetcher with its own size cap
                MediaFetcher listFetcher = new MediaFetcher(FetchSettings.from(config)
                        .withMaxBytes(config.longValue("lists.max_document_bytes", 512L * 1024 * 1024))
                        .withTimeoutMillis(config.longValue("lists.fetch_timeout_ms", 120_000)));
                SubscriptionService subscriptions = new SubscriptionService(db.jdbi(), banks, listFetcher,
                        SecretBox.forDataDir(config.dataDir()),
                        new RetroMatcher(db.jdbi(), banks, clock, Duration.ofDays(config.integer("lists.retro_days", 30))),
                        clock, config.longValue("lists.flood_max_per_hour", 100));
                SyncScheduler listSync = new SyncScheduler(subscriptions,
                        Duration.ofSeconds(config.longValue("lists.sync_interval_s", 900)),
                        Duration.ofSeconds(config.longValue("lists.flood_check_s", 60)));
                return new Deps(config, db, matcher, banks, tokens, instances, metrics, fetcher, workers, ingest,
                        scans, gatePool, changes, lists, subscriptions, listFetcher, listSync);
            } catch (RuntimeException e) {
                if (changes != null) changes.close();
                db.close();
                throw e;
            }
        }

        /** Starts the background work (the ingest workers, the scheduled list syncs). */
        public void startWorkers() {
            workers.start();
            listSync.start();
        }

        @Override
        public void close() {
            listSync.close();
            workers.close();
            gatePool.shutdownNow();
            fetcher.close();
            listFetcher.close();
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
            // room for a maximum-size image sent as base64 in JSON
            config.http.maxRequestSize = deps.config().maxMediaBytes() * 4 / 3 + 1024 * 1024;
            config.jsonMapper(new JavalinJackson(json, false));

            OpsRoutes.register(config.routes, guard, deps.database(), deps.workers(), deps.metrics());
            IngestRoutes.register(config.routes, guard, deps.ingest(), deps.scans(), deps.instances(), deps.metrics(),
                    json, deps.config().maxMediaBytes());
            InstanceRoutes.register(config.routes, guard, deps.instances(), json);
            BankRoutes.register(config.routes, guard, deps.banks(), json);
            MatchRoutes.register(config.routes, guard, deps.banks(), json);
            FederationRoutes.register(config.routes, guard, deps.lists(), deps.subscriptions(), json,
                    deps.config().get("lists.public_url").orElse(null));

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
