package org.sightline.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.config.DataDirectory;

import java.nio.file.Path;

/**
 * The connection pool, migrated schema and JDBI handle. H2 in the data directory by default; PostgreSQL when
 * {@code db.url} is a {@code jdbc:postgresql:} URL. One instance per app, closed with it.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;
    /** The data directory H2 keeps its files in (default URL only), narrowed again at close; else null. */
    private volatile Path ownDir;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin()).installPlugin(new WireNames());
    }

    /** Opens the database the configuration names and applies pending migrations. */
    public static Database open(Config config) {
        DbSettings settings = DbSettings.from(config);
        String url = settings.url().filter(s -> !s.isBlank()).orElse(null);
        Path ownDir = null;
        if (url == null) {
            // created (or narrowed) owner-only before H2 writes a byte into it
            Path dir = DataDirectory.secure(config.dataDir());
            ownDir = dir;
            // No AUTO_SERVER: it would open an H2 TCP server on every interface. While a server holds the file,
            // the data commands (token create, ...) call that server over its local channel instead.
            url = "jdbc:h2:file:" + dir.resolve("sightline");
        }
        if (url.startsWith("jdbc:h2:") && !url.toUpperCase(java.util.Locale.ROOT).contains("LOCK_TIMEOUT=")) {
            // a row lock is waited for up to 10 s (H2's default is far shorter) so that, as on PostgreSQL, a
            // publish waits out a large bank upload holding the bank's row instead of failing
            url += ";LOCK_TIMEOUT=10000";
        }
        if (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
                && !url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY=")) {
            // H2 writes commits to the file lazily (WRITE_DELAY, 500 ms by default): a process killed within that
            // window lost work it had already acknowledged (a webhook answered 202). With 0 every commit is
            // written to the file before it returns (the OS may still buffer it: this survives a crashed or
            // killed process, not a power cut).
            url += ";WRITE_DELAY=0";
        }
        if (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
                && !url.toUpperCase(java.util.Locale.ROOT).contains("DB_CLOSE_ON_EXIT=")) {
            // H2 would close the database from a JVM shutdown hook of its own, racing the server's orderly stop
            // (workers first, the database last: close())
            url += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        if (url.startsWith("jdbc:h2:file:")) {
            // ... and so by threads that may be interrupted (a pict-rs gate past its budget, workers at shutdown):
            // an interrupt closes a plain FileChannel under H2, which then closes the whole database. H2's async
            // file system uses a channel that an interrupt does not close.
            url = "jdbc:h2:async:" + url.substring("jdbc:h2:file:".length());
        }
        Database db = open(url, settings.user(), settings.password(), settings.poolSize());
        if (ownDir != null) {
            try {
                // the files H2 just created (sightline.mv.db, .lock.db) under the process umask; the 0700
                // directory already kept others out in between
                DataDirectory.tighten(ownDir);
                db.ownDir = ownDir;
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }
        return db;
    }

    public static Database open(String url, String user, String password, int poolSize) {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        if (!postgres && !url.startsWith("jdbc:h2:")) {
            throw new ConfigException("db.url must be a jdbc:postgresql: or jdbc:h2: URL");
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (user != null) hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setPoolName("sightline-db");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            // The URL may carry a password: name the cause, not the URL.
            throw new ConfigException("cannot connect to the database: " + rootMessage(e));
        }
        try {
            var result = Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            if (result.migrationsExecuted > 0) {
                org.slf4j.LoggerFactory.getLogger(Database.class).info("event=database_migrated applied={} version={}",
                        result.migrationsExecuted, result.targetSchemaVersion);
            }
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, postgres);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean postgres() {
        return postgres;
    }

    /** Cheap liveness check (for readiness probes). */
    public boolean ping() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
        if (ownDir != null) {
            try {
                DataDirectory.tighten(ownDir); // e.g. a sightline.trace.db H2 wrote meanwhile
            } catch (RuntimeException e) {
                // the next start narrows it, or refuses to start
            }
        }
    }
}
