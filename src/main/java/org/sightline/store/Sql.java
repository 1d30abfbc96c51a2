package org.sightline.store;

import java.sql.SQLException;

/** Small helpers over what H2 and PostgreSQL report alike. */
public final class Sql {
    private Sql() {
    }

    /** Whether {@code e} (or a cause) is a unique-constraint violation (SQLSTATE 23505 on both databases). */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) return true;
        }
        return false;
    }
}
