package org.sightline.banks;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * Keeps this node's index in step with changes other nodes make to a shared PostgreSQL database. Every change
 * to banks or entries is announced with {@code NOTIFY} inside its transaction, so PostgreSQL delivers it only
 * if it commits, and in commit order; this listener applies it. If the connection drops, notices may be lost,
 * so after reconnecting it re-reads the whole state (adds are idempotent, retractions too).
 */
public final class ChangeListener implements AutoCloseable {
    static final String CHANNEL = "sightline_bank_changes";
    private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);

    private final Jdbi jdbi;
    private final BankService banks;
    private volatile boolean closed;
    private Handle handle;
    private Thread thread;

    private ChangeListener(Jdbi jdbi, BankService banks) {
        this.jdbi = jdbi;
        this.banks = banks;
    }

    /**
     * Starts listening at once (call before loading the index, so nothing committed in between is missed);
     * notices queue up until {@link #start()}.
     */
    public static ChangeListener listen(Jdbi jdbi, BankService banks) {
        ChangeListener l = new ChangeListener(jdbi, banks);
        l.connect();
        return l;
    }

    private void connect() {
        handle = jdbi.open();
        try (Statement s = handle.getConnection().createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            handle.close();
            throw new IllegalStateException("cannot LISTEN for bank changes: " + e.getMessage(), e);
        }
    }

    /** Applies queued and future notices on a background thread. */
    public void start() {
        thread = new Thread(this::run, "bank-change-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            try {
                PGNotification[] notices = handle.getConnection().unwrap(PGConnection.class).getNotifications(500);
                if (notices == null) continue;
                for (PGNotification n : notices) {
                    if (CHANNEL.equals(n.getName())) banks.applyChange(n.getParameter());
                }
            } catch (Exception e) {
                if (closed) return;
                log.warn("bank change listener: {}; reconnecting and re-reading all banks", org.sightline.store.Sql.describe(e));
                reconnect();
            }
        }
    }

    private void reconnect() {
        while (!closed) {
            try {
                handle.close();
            } catch (RuntimeException ignored) {
                // the old connection is already broken
            }
            try {
                Thread.sleep(1000);
                connect();
                banks.resync();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("bank change listener: reconnect failed: {}", org.sightline.store.Sql.describe(e));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        handle.close();
    }
}
