package org.sightline.store;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/** Test databases: a fresh H2 file, or a fresh schema in the local PostgreSQL. */
public final class TestDatabases {
    public static final String PG_BASE = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String PG_USER = "postgres";

    private TestDatabases() {
    }

    /**
     * Creates a fresh schema in the local PostgreSQL and returns its URL. When PostgreSQL is unreachable the
     * test is skipped, except in CI (env CI set), where that is a failure: these tests must run there.
     */
    public static String createPostgresSchema() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(PG_BASE, PG_USER, null); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String why = "PostgreSQL at 127.0.0.1:5432 (database test, user postgres) is unreachable: " + e.getMessage();
            if (System.getenv("CI") != null) Assertions.fail(why);
            Assumptions.abort(why);
        }
        return PG_BASE + "?currentSchema=" + schema;
    }

    public static void dropPostgresSchema(String url) {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(PG_BASE, PG_USER, null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
    }
}
