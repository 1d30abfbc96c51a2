package org.sightline.store;

import org.jdbi.v3.core.JdbiException;

import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small helpers over what H2 and PostgreSQL report alike. */
public final class Sql {
    /** H2 names the column before quoting the value: keep the name, never the value. */
    private static final Pattern H2_COLUMN = Pattern.compile("column \"([A-Za-z_][A-Za-z_0-9]*)");

    private Sql() {
    }

    /** Whether {@code e} (or a cause) is a unique-constraint violation (SQLSTATE 23505 on both databases). */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) return true;
        }
        return false;
    }

    /** Whether {@code e} or a cause is a database error (whose messages may carry the statement's values). */
    public static boolean isDatabaseError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException || t instanceof JdbiException) return true;
        }
        return false;
    }

    /**
     * One line about a failure, safe to log. For a database error: its SQL state and vendor code, what the
     * state means, and the column or constraint when the database names one, never the bound values (JDBI's
     * and H2's messages quote them: notes, URLs, even sealed secrets). Anything else: its class and message.
     */
    public static String describe(Throwable e) {
        if (!isDatabaseError(e)) return e.toString();
        SQLException sql = null;
        for (Throwable t = e; t != null && sql == null; t = t.getCause()) {
            if (t instanceof SQLException s) sql = s;
        }
        String jdbi = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JdbiException) jdbi = t.getClass().getSimpleName();
        }
        StringBuilder out = new StringBuilder("database error");
        if (jdbi != null) out.append(' ').append(jdbi);
        if (sql == null) return out.toString();
        String state = sql.getSQLState();
        out.append(" sql_state=").append(state).append(" code=").append(sql.getErrorCode());
        out.append(" (").append(meaning(state)).append(')');
        String where = where(sql);
        if (where != null) out.append(' ').append(where);
        return out.toString();
    }

    /**
     * The exception to log with its stack trace: for a database error a stand-in carrying {@link #describe} and
     * the original's stack (the causes are dropped: their messages carry the values); anything else as it is.
     */
    public static Throwable loggable(Throwable e) {
        if (!isDatabaseError(e)) return e;
        DatabaseError standIn = new DatabaseError(describe(e));
        standIn.setStackTrace(e.getStackTrace());
        return standIn;
    }

    /** Stands in for a database error in the log: its description and stack, nothing the statement was given. */
    static final class DatabaseError extends RuntimeException {
        DatabaseError(String description) {
            super(description, null, false, true);
        }
    }

    private static String meaning(String state) {
        if (state == null) return "no SQL state";
        return switch (state) {
            case "22001" -> "value too long for its column";
            case "22003" -> "number out of range";
            case "23502" -> "null in a NOT NULL column";
            case "23503" -> "foreign key violation";
            case "23505" -> "unique violation";
            case "23513", "23514" -> "check constraint violation";
            case "40001" -> "serialization failure";
            case "40P01" -> "deadlock";
            default -> state.startsWith("08") ? "connection failure"
                    : state.startsWith("42") ? "SQL syntax or schema error"
                    : state.startsWith("22") ? "data error" : "database error";
        };
    }

    /** The column or constraint the database names, if it names one (H2's message; PostgreSQL's fields). */
    private static String where(SQLException sql) {
        if (sql instanceof org.postgresql.util.PSQLException pg && pg.getServerErrorMessage() != null) {
            var m = pg.getServerErrorMessage();
            if (m.getConstraint() != null) return "constraint=" + m.getConstraint();
            if (m.getColumn() != null) return "column=" + m.getColumn();
            return m.getTable() == null ? null : "table=" + m.getTable();
        }
        String message = sql.getMessage();
        if (message == null) return null;
        Matcher column = H2_COLUMN.matcher(message);
        return column.find() ? "column=" + column.group(1).toLowerCase(Locale.ROOT) : null;
    }
}
