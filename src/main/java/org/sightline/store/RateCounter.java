package org.sightline.store;

import org.jdbi.v3.core.Jdbi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * At most {@code limit} requests per key in a sliding {@code window}, counted in the database so that the limit holds
 * across nodes (a per-node counter would let each node of a cluster admit the full limit). Keys are stored only as
 * SHA-256 digests. Two nodes admitting the same key at the same instant may overshoot by one each.
 */
public final class RateCounter {
    private final Jdbi jdbi;
    private final String scope;
    private final int limit;
    private final Duration window;

    public RateCounter(Jdbi jdbi, String scope, int limit, Duration window) {
        this.jdbi = jdbi;
        this.scope = scope;
        this.limit = limit;
        this.window = window;
    }

    /** Counts one request of {@code key}; false when the key is over its limit (the request is not counted then). */
    public boolean admit(String key, Instant now) {
        String digest = digest(key);
        Instant since = now.minus(window);
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM rate_hits WHERE scope = :scope AND hit_at <= :since")
                    .bind("scope", scope).bind("since", since).execute();
            long recent = h.createQuery("SELECT COUNT(*) FROM rate_hits WHERE scope = :scope AND hit_key = :key"
                            + " AND hit_at > :since")
                    .bind("scope", scope).bind("key", digest).bind("since", since).mapTo(Long.class).one();
            if (recent >= limit) return false;
            h.createUpdate("INSERT INTO rate_hits (scope, hit_key, hit_at) VALUES (:scope, :key, :at)")
                    .bind("scope", scope).bind("key", digest).bind("at", now).execute();
            return true;
        });
    }

    private static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
