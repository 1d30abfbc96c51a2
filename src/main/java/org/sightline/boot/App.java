package org.sightline.boot;

import org.sightline.config.SharedSettings;
import org.sightline.actions.ActionQueue;
import org.sightline.federation.ShareProposals;
import org.sightline.decide.Decider;
import org.sightline.access.Access;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import org.sightline.actions.ActionExecutor;
import org.sightline.actions.ActionRoutes;
import org.sightline.actions.ActionSettings;
import org.sightline.federation.ListSettings;
import org.sightline.ingest.IngestSettings;
import org.sightline.ingest.ClassifierSettings;
import org.sightline.ingest.LocalClassification;
import org.sightline.decide.DecideSettings;
import org.sightline.decide.RiskWeights;
import org.sightline.review.AccountHistories;
import org.sightline.ingest.misskey.MisskeySettings;
import org.sightline.web.HttpSettings;
import org.sightline.web.PanelSettings;
import org.sightline.actions.PluginSettingsRoutes;
import org.sightline.actions.PluginSettingsStore;
import org.sightline.actions.Plugins;
import org.sightline.actions.OwnActionEchoes;
import org.sightline.actions.Quarantine;
import org.sightline.audit.AuditKey;
import org.sightline.audit.AuditLog;
import org.sightline.audit.AuditRoutes;
import org.sightline.auth.AuthGuard;
import org.sightline.auth.LocalKey;
import org.sightline.banks.BankPanelRoutes;
import org.sightline.review.CaseIntake;
import org.sightline.review.RetractionRevisit;
import org.sightline.review.CaseDecisionRoutes;
import org.sightline.dsa.AppealService;
import org.sightline.dsa.DsaRoutes;
import org.sightline.dsa.DsaSettings;
import org.sightline.dsa.StatementService;
import org.sightline.dsa.TdbClient;
import org.sightline.dsa.Transparency;
import org.sightline.review.Retention;
import org.sightline.review.RetentionSettings;
import org.sightline.ingest.MediaDerivatives;
import org.sightline.review.Dashboard;
import org.sightline.review.DashboardRoutes;
import org.sightline.review.ReviewRoutes;
import org.sightline.review.ReviewService;
import org.sightline.users.AccountRoutes;
import org.sightline.users.PasswordHasher;
import org.sightline.users.UserService;
import org.sightline.web.ClientAddress;
import org.sightline.web.HttpRefusals;
import org.sightline.web.Page;
import org.sightline.web.Cookies;
import org.sightline.web.PebbleRenderer;
import org.sightline.web.StaticRoutes;
import org.sightline.web.SlowClients;
import org.sightline.auth.TokenRoutes;
import org.sightline.auth.TokenService;
import org.sightline.banks.BankRoutes;
import org.sightline.banks.BankService;
import org.sightline.hashing.NativeCodecs;
import org.sightline.banks.BankSettings;
import org.sightline.banks.IndexGuard;
import org.sightline.banks.ChangeListener;
import org.sightline.banks.MatchRoutes;
import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.config.SecretBox;
import org.sightline.federation.FederationRoutes;
import org.sightline.federation.KeyFiles;
import org.sightline.federation.ListFeedback;
import org.sightline.federation.PublishService;
import org.sightline.federation.ShareService;
import org.sightline.federation.SharePanelRoutes;
import org.sightline.federation.SubscriptionPanelRoutes;
import org.sightline.federation.RetroMatcher;
import org.sightline.federation.SubscriptionService;
import org.sightline.federation.SyncJobs;
import org.sightline.federation.SyncScheduler;
import org.sightline.hashing.ImageDecoder;
import org.sightline.hashing.MediaHasher;
import org.sightline.ingest.IngestMetrics;
import org.sightline.ingest.IngestRoutes;
import org.sightline.ingest.IngestService;
import org.sightline.ingest.IngestWorkers;
import org.sightline.ingest.MediaCatalog;
import org.sightline.ingest.MediaProcessor;
import org.sightline.ingest.ScanService;
import org.sightline.fetch.FetchSettings;
import org.sightline.fetch.MediaFetcher;
import org.sightline.ingest.mastodon.MastodonWebhookParser;
import org.sightline.ingest.misskey.MisskeyPoller;
import org.sightline.ingest.preview.PreviewRenderer;
import org.sightline.federation.Trust;
import org.sightline.exchanges.ExchangePanelRoutes;
import org.sightline.exchanges.ExchangeRoutes;
import org.sightline.exchanges.FetchJobs;
import org.sightline.exchanges.ExchangeService;
import org.sightline.exchanges.ExchangeSettings;
import org.sightline.hma.HmaRoutes;
import org.sightline.hma.HmaSettings;
import org.sightline.instances.InstancePanelRoutes;
import org.sightline.instances.InstanceRoutes;
import org.sightline.instances.MastodonConnect;
import org.sightline.instances.MisskeyConnect;
import org.sightline.instances.InstanceService;
import org.sightline.ops.OpsRoutes;
import org.sightline.ops.JobRoutes;
import org.sightline.jobs.Jobs;
import org.sightline.ingest.follow.FollowSettings;
import org.sightline.ingest.follow.TimelineFollower;
import org.sightline.matching.Matcher;
import org.sightline.store.Database;
import org.sightline.store.Sql;
import org.sightline.common.Refusal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
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
                       Plugins plugins, ActionExecutor actions, Quarantine quarantine, MastodonConnect connect,
                       UserService users, AuditLog audit, ReviewService review, Dashboard dashboard, SecureRandom random,
                       Clock clock, PublishService lists, SubscriptionService subscriptions, MediaFetcher listFetcher,
                       SyncScheduler listSync, Trust trust, MisskeyPoller misskeyPolls, MisskeyConnect misskeyConnect,
                       MediaHasher hasher, ExchangeService exchanges, IndexGuard indexGuard, Retention retention,
                       Jobs jobs, TimelineFollower follower, ActionQueue actionQueue, StatementService statements,
                       AppealService appeals, Transparency transparency, TdbClient tdb,
                       org.sightline.feedback.FeedbackOutbox feedback, RetroMatcher retro)
            implements AutoCloseable {

        /** Opens (and migrates) the configured database and loads the match index from it; starts nothing. */
        public static Deps open(Config config) {
            Database db = Database.open(config);
            ChangeListener changes = null;
            // what holds threads or connections, closed again if a later part fails to build
            java.util.Deque<AutoCloseable> built = new java.util.ArrayDeque<>();
            try {
                Clock clock = Clock.systemUTC();
                SecureRandom random = new SecureRandom();
                org.sightline.hashing.VideoSettings video = org.sightline.hashing.VideoSettings.from(config);
                Matcher matcher = new Matcher(video.matchBankedPercent(), video.matchUploadPercent());
                AuditLog audit = AuditLog.open(db.jdbi(), clock, AuditKey.forDataDir(config.dataDir()));
                // On PostgreSQL several nodes may share the database: announce bank changes, and listen from
                // before the index load so that nothing committed meanwhile is missed.
                BankService banks = new BankService(db.jdbi(), matcher, clock, db.postgres(), audit);
                if (db.postgres()) changes = ChangeListener.listen(db.jdbi(), banks);
                banks.loadIndex(config.dataDir());
                if (changes != null) changes.start();
                SecretBox secrets = SecretBox.forDataDir(config.dataDir());
                InstanceService instances = new InstanceService(db.jdbi(), secrets,
                        random, clock, audit);
                TokenService tokens = new TokenService(db.jdbi(), audit, random, clock, instances::connected);
                // a removed instance's bound tokens go with it, in the same transaction
                instances.addRemovalHook((h, instance, actor) -> tokens.revokeBoundTo(h, instance.name(), actor));
                IngestSettings ingestSettings = IngestSettings.from(config);
                ActionSettings actionSettings = ActionSettings.from(config);
                ListSettings listSettings = ListSettings.from(config);
                PanelSettings panel = PanelSettings.from(config);
                MisskeySettings misskey = MisskeySettings.from(config);
                IngestMetrics metrics = new IngestMetrics();
                // memory follows pixels, not images: a budget of pixels decoded at once (default twice the cap)
                NativeCodecs codecs = SharedSettings.DECODE_NATIVE.from(config) ? NativeCodecs.detect() : NativeCodecs.none();
                org.sightline.hashing.AnimatedWebp animatedWebp = org.sightline.hashing.AnimatedWebp.detect();
                org.slf4j.LoggerFactory.getLogger(App.class).info("event=decoders {} webp_animated={}", codecs.describe(),
                        animatedWebp.describe());
                MediaHasher hasher = new MediaHasher(new ImageDecoder(config.maxPixels(), config.decodeConcurrency(),
                        SharedSettings.DECODE_MAX_PIXELS_IN_FLIGHT.from(config), codecs));
                MediaFetcher fetcher = new MediaFetcher(FetchSettings.from(config));
                built.push(fetcher);
                Quarantine quarantine = new Quarantine(db.jdbi(), fetcher, secrets, audit, clock,
                        actionSettings.quarantineRetention());
                PluginSettingsStore pluginSettings = new PluginSettingsStore(db.jdbi(), secrets, audit, clock,
                        actionSettings.pluginRefresh());
                Plugins plugins = Plugins.load(config, Plugins.defaultDirectory(config), List.of(quarantine), pluginSettings);
                Trust trust = new Trust(db.jdbi(), clock, listSettings.quorum(), audit);
                ActionQueue actionQueue = new ActionQueue(db.jdbi(), plugins);
                // every restriction requested gets its statement of reasons, in the requesting transaction (#16)
                DsaSettings dsa = DsaSettings.from(config);
                StatementService statements = new StatementService(db.jdbi(), audit, secrets, random, clock, dsa,
                        config.publicUrl());
                actionQueue.addHook(statements);
                CaseIntake cases = new CaseIntake(actionQueue);
                KeyFiles keys = new KeyFiles(config.dataDir());
                // list documents are larger than media: the same SSRF-safe fetcher with its own size cap
                MediaFetcher listFetcher = new MediaFetcher(FetchSettings.from(config)
                        .withMaxBytes(listSettings.maxDocumentBytes())
                        .withTimeoutMillis(listSettings.fetchTimeoutMillis()));
                built.push(listFetcher);
                // media of the last days matched again against entries that just arrived (lists and exchanges)
                RetroMatcher retro = new RetroMatcher(db.jdbi(), banks, cases, clock, listSettings.retroWindow());
                SubscriptionService subscriptions = new SubscriptionService(db.jdbi(), banks, listFetcher,
                        secrets,
                        retro,
                        clock, listSettings.floodMaxPerHour(), listSettings.limits(), keys);
                LocalClassification localClassifier = LocalClassification.load(ClassifierSettings.from(config)).preload();
                // videos decode under their own permits (one FFmpeg thread each), as many at once as images
                org.sightline.hashing.VideoHasher videoHasher = new org.sightline.hashing.VideoHasher(
                        new org.sightline.hashing.VideoDecoder(video, config.decodeConcurrency(), 1));
                MediaProcessor processor = new MediaProcessor(db.jdbi(), fetcher, hasher, videoHasher,
                        new PreviewRenderer(), banks,
                        instances, plugins, localClassifier, new Decider(trust, DecideSettings.from(config),
                                RiskWeights.from(config), new AccountHistories(db.jdbi())),
                        cases, metrics, clock, ingestSettings.maxAttempts(),
                        subscriptions::admit); // flood control as each match is recorded
                ActionExecutor actions = new ActionExecutor(db.jdbi(), plugins, instances, audit, clock,
                        actionSettings.workers(), actionSettings.maxAttempts(), actionSettings.lease(),
                        ingestSettings.poll(), actionSettings.backoff());
                actions.tellWith(statements); // an account action carries its statement to the person
                IngestWorkers workers = new IngestWorkers(db.jdbi(), processor, clock,
                        ingestSettings.workers(), ingestSettings.lease(), ingestSettings.poll());
                IngestService ingest = new IngestService(db.jdbi(), instances, new MastodonWebhookParser(), metrics,
                        clock, workers::wake, new OwnActionEchoes(), cases);
                ExecutorService gatePool = Executors.newFixedThreadPool(config.decodeConcurrency(), r -> {
                    Thread t = new Thread(r, "pictrs-gate");
                    t.setDaemon(true);
                    return t;
                });
                built.push(gatePool::shutdownNow);
                ScanService scans = new ScanService(db.jdbi(), processor, workers, metrics, gatePool, clock, actions);
                MediaCatalog media = new MediaCatalog(db.jdbi());
                metrics.gauge("sightline.decode.native_jpeg", "1 when JPEG is decoded by libjpeg-turbo, 0 by ImageIO",
                        () -> codecs.jpeg() ? 1 : 0);
                metrics.gauge("sightline.decode.native_webp", "1 when WebP is decoded by libwebp, 0 by ImageIO",
                        () -> codecs.webp() ? 1 : 0);
                metrics.gauge("sightline.decode.animated_webp", "1 when animated WebP is decoded by libwebpdemux, "
                        + "0 when it goes to review", () -> animatedWebp.available() ? 1 : 0);
                metrics.gauge("sightline.decode.pixels_in_flight", "pixels of the images being decoded now",
                        hasher.decoder()::pixelsInFlight);
                metrics.gauge("sightline.queue.depth", "media waiting or being processed", media::countUnfinished);
                metrics.gauge("sightline.media.unscanned_24h", "media that could not be scanned in the last 24 h",
                        () -> media.countUnscannedSince(clock.instant().minus(Duration.ofHours(24))));
                // Argon2id costs 19 MiB and tens of milliseconds of a core: a few at a time, the rest told to retry
                PasswordHasher passwords = new PasswordHasher(random, panel.passwordHashConcurrency(), Duration.ofSeconds(3));
                UserService users = new UserService(db.jdbi(), passwords, random, clock,
                        panel.idleTimeout(), panel.loginMaxFailures(), panel.loginFailureWindow(),
                        panel.loginMaxFailuresPerMinute());
                // a retraction (and a dismissal, and an overturned appeal) undoes what the decision caused
                RetractionRevisit revisit = new RetractionRevisit(actionQueue, audit);
                Dashboard dashboard = new Dashboard(db.jdbi(), audit, clock);
                PublishService lists = new PublishService(db.jdbi(), banks, keys, audit, clock,
                        random, listSettings.pageSize(),
                        listSettings.publisher().or(listSettings::publicUrl).orElse(null));
                banks.addHook(lists); // a published bank's changes go into its list's log, in the same transaction
                // a retraction revisits the cases its entry was evidence in, in the same transaction
                banks.addHook(revisit);
                // what holds a bank back from removal: a list publishing it, undecided cases it is evidence in
                banks.addRemovalCheck(lists::holds);
                banks.addRemovalCheck(revisit::holds);
                SyncScheduler listSync = new SyncScheduler(subscriptions,
                        listSettings.syncInterval(), listSettings.floodCheck());
                ExchangeService exchanges = new ExchangeService(db.jdbi(), banks, listFetcher, secrets, audit, clock,
                        ExchangeSettings.from(config), ExchangeService.discover(), (entryIds, act) -> {
                            var found = retro.find(entryIds);
                            if (!found.isEmpty()) retro.record(found, act);
                            return found.size();
                        });
                built.push(exchanges);
                // a dismissal's opinion on a list's or an exchange's entry goes back to its source, durably
                org.sightline.feedback.FeedbackOutbox feedback = new org.sightline.feedback.FeedbackOutbox(db.jdbi(), banks,
                        new ListFeedback(db.jdbi(), lists, keys, banks, listFetcher, secrets, audit, clock), exchanges,
                        audit, clock, org.sightline.feedback.FeedbackSettings.from(config));
                built.push(feedback);
                ReviewService review = new ReviewService(db.jdbi(), banks, audit, actionQueue, new ShareProposals(db.jdbi()),
                        clock, panel.claim(), panel.undo(), revisit, feedback);
                built.push(review);
                MisskeyPoller misskeyPolls = new MisskeyPoller(db.jdbi(), instances, metrics, workers::wake, clock,
                        misskey.pollInterval(), misskey.origin(), misskey.maxPages(), misskey.settle());
                Jobs jobs = new Jobs(db.jdbi(), clock, ingestSettings.poll().multipliedBy(4), 2);
                built.push(jobs);
                TimelineFollower follower = new TimelineFollower(db.jdbi(), instances, metrics, workers::wake, clock,
                        FollowSettings.from(config), jobs, audit);
                built.push(follower);
                TdbClient tdb = new TdbClient(db.jdbi(), audit, secrets, clock, dsa);
                built.push(tdb);
                return new Deps(config, db, matcher, banks, tokens, instances, metrics, fetcher, workers, ingest,
                        scans, gatePool, changes, plugins, actions, quarantine,
                        new MastodonConnect(db.jdbi(), instances, secrets, random, config.publicUrl(), clock),
                        users, audit, review, dashboard, random, clock, lists, subscriptions, listFetcher, listSync,
                        trust, misskeyPolls, new MisskeyConnect(db.jdbi(), instances, secrets, random, config.publicUrl(), clock),
                        hasher, exchanges, new IndexGuard(banks, BankSettings.from(config).indexCheckInterval()),
                        new Retention(db.jdbi(), new MediaDerivatives(), audit, clock, RetentionSettings.from(config)),
                        jobs, follower, actionQueue, statements,
                        new AppealService(db.jdbi(), statements, actionQueue, revisit, review, banks, audit, clock),
                        new Transparency(db.jdbi(), dashboard), tdb, feedback, retro);
            } catch (RuntimeException e) {
                for (AutoCloseable c : built) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // already failing: the first error is the one to report
                    }
                }
                if (changes != null) changes.close();
                db.close();
                throw e;
            }
        }

        /**
         * Starts the background work (the ingest workers, the action executor, the scheduled list syncs, the
         * Misskey polls).
         */
        public void startWorkers() {
            workers.start();
            actions.start();
            listSync.start();
            misskeyPolls.start();
            exchanges.start();
            jobs.start();
            follower.start();
            quarantine.startPurging(ActionSettings.from(config).quarantinePurgeInterval());
            indexGuard.start();
            retention.start();
            review.start();
            tdb.start();
            feedback.start();
        }

        @Override
        public void close() {
            feedback.close();
            tdb.close();
            quarantine.stopPurging();
            review.close();
            indexGuard.close();
            exchanges.close();
            retention.stop();
            misskeyPolls.close();
            follower.close();
            jobs.close();
            listSync.close();
            workers.close();
            actions.close();
            gatePool.shutdownNow();
            fetcher.close();
            listFetcher.close();
            if (changes != null) changes.close();
            database.close();
        }
    }

    private App() {
    }

    /**
     * A request refused before its body was read (401 from the pict-rs gate, 413, ...): read what is left, up to
     * the request size limit, so the server does not close the connection under a client still sending and
     * the client does get the answer.
     */
    private static void discardUnreadBody(io.javalin.http.Context ctx, long max) {
        // a body somewhat over the limit is still drained (bounded), so its sender reads the 413
        if (ctx.contentLength() > 2 * max) return;
        try {
            var in = ctx.req().getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long left = 2 * max;
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) left -= n;
        } catch (java.io.IOException | RuntimeException ignored) {
            // the client went away or the body was already consumed: nothing to keep
        }
    }

    /** A page without a charset may be read in another one by the browser (and mangle or run what it shows). */
    private static void htmlCharset(io.javalin.http.Context ctx) {
        String type = ctx.res().getContentType();
        if (type != null && type.regionMatches(true, 0, "text/html", 0, 9)
                && !type.toLowerCase(java.util.Locale.ROOT).contains("charset")) {
            ctx.res().setContentType("text/html; charset=utf-8");
        }
    }

    /** Share approvals: {@code lists.share_approvals} approvers besides the proposer, into {@code lists.share_bank}. */
    static ShareService shares(Deps deps) {
        ListSettings settings = ListSettings.from(deps.config());
        int approvals = settings.shareApprovals();
        if (approvals != 1 && approvals != 2) {
            throw new ConfigException("lists.share_approvals must be 1 or 2, got " + approvals);
        }
        return new ShareService(deps.database().jdbi(), deps.banks(), deps.lists(), deps.audit(), deps.clock(),
                approvals, settings.shareBank().orElse(null));
    }

    /** Returns an unstarted server with every route registered. */
    public static Javalin create(Deps deps) {
        // room for a maximum-size image sent as base64 in JSON
        long maxRequest = deps.config().maxMediaBytes() * 4 / 3 + 1024 * 1024;
        ObjectMapper json = new ObjectMapper();
        // one string in a JSON body (an image in base64) may be as large as a request may be, and no larger;
        // whole documents are not capped here (a bank's JSON export, imported, is larger)
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxRequest)).build());
        // the command line's channel to this server, for the embedded database the server holds (PostgreSQL:
        // commands connect to the database themselves)
        LocalKey localKey = deps.database().postgres() ? null : LocalKey.create(deps.config().dataDir(), deps.random());
        AtomicReference<Javalin> self = new AtomicReference<>();
        HttpSettings http = HttpSettings.from(deps.config());
        ClientAddress clients = new ClientAddress(http.forwardedFor());
        AuthGuard guard = new AuthGuard(deps.tokens(), deps.users(), localKey, clients,
                HmaSettings.from(deps.config()).trustedNetworks());
        Cookies cookies = new Cookies(http.secureCookies());
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            // HMA clients join a base URL ending in '/' with '/c/banks' (ROOST Coop's default does)
            config.router.treatMultipleSlashesAsSingleSlash = true;
            if (localKey != null) {
                config.events.serverStarted(() -> localKey.announce(localUrl(deps.config().httpHost(), self.get().port())));
                config.events.serverStopped(localKey::withdraw);
            }
            config.fileRenderer(new PebbleRenderer(deps.clock()));
            config.http.maxRequestSize = maxRequest;
            config.jsonMapper(new JavalinJackson(json, false));
            // slow or stalled clients are cut off and cannot take every thread (/healthz must stay answerable)
            SlowClients.install(config, http.idleTimeoutMillis(), http.minRequestBytesPerSecond(), http.maxOpenUploads());
            // every answer, not only panel pages: previews, reveals, CSV, JSON, refusals and unknown paths
            config.routes.before(StaticRoutes::securityHeaders);
            config.routes.after(App::htmlCharset);
            guard.install(config.routes);

            OpsRoutes.register(config.routes, deps.database(), deps.workers(), deps.metrics(), deps.banks()::indexInStep);
            IngestRoutes.register(config.routes, deps.ingest(), deps.scans(), deps.instances(), deps.metrics(),
                    json, deps.config().maxMediaBytes());
            InstanceRoutes.register(config.routes, deps.instances(), deps.connect(), deps.misskeyConnect(),
                    deps.misskeyPolls(), deps.follower(), json);
            JobRoutes.register(config.routes, deps.jobs(), deps.audit());
            InstancePanelRoutes.register(config.routes, deps.instances(), deps.connect(), deps.misskeyConnect(),
                    deps.misskeyPolls(), deps.follower(), deps.jobs(),
                    deps.audit(), deps.config().publicUrl());
            ActionRoutes.register(config.routes, deps.database().jdbi(), deps.actionQueue(), deps.plugins(), deps.actions(),
                    deps.quarantine(), json, deps.clock(), deps.audit());
            PluginSettingsRoutes.register(config.routes, deps.plugins(), json);
            org.sightline.hashing.VideoHasher videos = new org.sightline.hashing.VideoHasher(
                    new org.sightline.hashing.VideoDecoder(org.sightline.hashing.VideoSettings.from(deps.config()),
                            deps.config().decodeConcurrency(), 1));
            // media added to a local bank is matched against recent media at once, as list and exchange entries are
            org.sightline.banks.BankContent bankContent = new org.sightline.banks.BankContent(deps.banks(),
                    deps.hasher(), videos, deps.fetcher(), deps.config().maxMediaBytes(), entryIds -> {
                        var found = deps.retro().find(entryIds);
                        return found.isEmpty() ? 0 : deps.retro().record(found, true);
                    });
            BankRoutes.register(config.routes, deps.banks(), bankContent, json);
            MatchRoutes.register(config.routes, deps.banks(), json);
            HmaRoutes.register(config.routes, deps.banks(), deps.matcher(), deps.hasher(), videos, deps.fetcher(),
                    deps.database().jdbi(), deps.audit(), deps.clock(), json, deps.config().maxMediaBytes(),
                    deps.exchanges());
            ExchangeRoutes.register(config.routes, deps.exchanges());
            ExchangePanelRoutes.register(config.routes, deps.exchanges(),
                    new FetchJobs(deps.jobs(), deps.exchanges(), deps.audit()));
            // lists' ids (and the snapshot cache) follow the configured public URL, not each request's Host header
            ListFeedback listFeedback = new ListFeedback(deps.database().jdbi(), deps.lists(),
                    new KeyFiles(deps.config().dataDir()), deps.banks(), deps.listFetcher(),
                    SecretBox.forDataDir(deps.config().dataDir()), deps.audit(), deps.clock());
            FederationRoutes.register(config.routes, deps.lists(), deps.subscriptions(), deps.trust(), json,
                    ListSettings.from(deps.config()).publicUrl().orElse(null), clients, deps.audit(), listFeedback);
            TokenRoutes.register(config.routes, deps.tokens());

            // the moderator panel (HTML, session cookie, CSRF token on every form)
            StaticRoutes.register(config.routes);
            AccountRoutes.register(config.routes, deps.users(), deps.audit(), cookies, deps.random(),
                    clients, http.publicUrl().orElse(null));
            DashboardRoutes.register(config.routes, deps.dashboard());
            ReviewRoutes.register(config.routes, deps.review(), deps.banks(), deps.audit(),
                    deps.database().jdbi(), deps.clock(), RiskWeights.from(deps.config()).historyDays(),
                    deps.statements()::caseRows);
            BankPanelRoutes.register(config.routes, deps.banks(), deps.audit(), bankContent);
            AuditRoutes.register(config.routes, deps.audit());
            SubscriptionPanelRoutes.register(config.routes, deps.subscriptions(), deps.audit(), deps.trust(),
                    new SyncJobs(deps.jobs(), deps.subscriptions(), deps.audit()));
            SharePanelRoutes.register(config.routes, shares(deps), deps.lists(), listFeedback, deps.banks());
            CaseDecisionRoutes.register(config.routes, deps.review(), deps.scans().media(), json);
            DsaRoutes.register(config.routes, deps.statements(), deps.appeals(), deps.transparency(), json, clients,
                    cookies, deps.random(), deps.clock());
            LocalAdminRoutes.register(config.routes, deps, json);

            // an address no route knows: the panel's own page for a browser (JSON and API clients keep Javalin's)
            config.routes.error(404, "html", ctx -> {
                if (noRouteMatched(ctx)) {
                    guard.admitSessionIfAny(ctx);
                    Page.error(ctx, 404, "There is no page at this address. It may have moved, or the link is mistyped.");
                }
            });
            config.routes.exception(Refusal.class, (e, ctx) -> {
                discardUnreadBody(ctx, maxRequest);
                HttpRefusals.answer(e, ctx, Access.panelRequest(ctx));
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                if (SlowClients.tooSlow(e)) {
                    ctx.header("Connection", "close");
                    ctx.status(HttpStatus.REQUEST_TIMEOUT)
                            .json(Map.of("error", "too_slow", "message", "the request body arrived too slowly"));
                    return;
                }
                // The route's pattern, not the path: a path can carry a secret (an invitation token).
                String route;
                try {
                    route = ctx.endpoint().path;
                } catch (RuntimeException noEndpoint) {
                    route = "(no route)";
                }
                // a database error's message carries the statement's values: log what failed, not on what
                org.slf4j.LoggerFactory.getLogger(App.class).error("unhandled error on {} {}", ctx.method(), route,
                        Sql.loggable(e));
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                        .json(Map.of("error", "internal", "message", "internal error; see the server log"));
            });
        });
        self.set(app);
        return app;
    }

    private static boolean noRouteMatched(io.javalin.http.Context ctx) {
        try {
            return ctx.endpoints().matchedHttpEndpoint() == null;
        } catch (RuntimeException none) {
            return true;
        }
    }

    /** Where a command on this host reaches the server: loopback when it listens on every address. */
    static String localUrl(String host, int port) {
        String h = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::")
                || host.equals("0:0:0:0:0:0:0:0") ? "127.0.0.1" : host;
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }
}
