package org.sightline.users;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.sightline.common.Refusal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Argon2id password hashes in the PHC string form ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), so the
 * parameters travel with each hash and can be raised later without breaking stored ones.
 */
public final class PasswordHasher {
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int HASH_BYTES = 32;

    private final SecureRandom random;
    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final java.util.concurrent.atomic.AtomicLong derivations = new java.util.concurrent.atomic.AtomicLong();

    /** At most this many derivations run at once; the others wait up to {@link #wait}, then are refused. */
    private final Semaphore permits;
    private final Duration wait;

    /** Thrown when too many derivations are already running: the caller answers "busy, try again". */
    public static final class Busy extends Refusal {
        Busy() {
            super(Kind.UNAVAILABLE, "busy", "too many password checks are running; try again in a few seconds");
        }
    }

    /** OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane; two derivations at a time. */
    public PasswordHasher(SecureRandom random) {
        this(random, 2, Duration.ofSeconds(3));
    }

    /** Argon2id as above, at most {@code concurrency} derivations at a time, each waiting at most {@code wait}. */
    public PasswordHasher(SecureRandom random, int concurrency, Duration wait) {
        this(random, 19 * 1024, 2, 1, concurrency, wait);
    }

    public PasswordHasher(SecureRandom random, int memoryKib, int iterations, int parallelism) {
        this(random, memoryKib, iterations, parallelism, 2, Duration.ofSeconds(3));
    }

    public PasswordHasher(SecureRandom random, int memoryKib, int iterations, int parallelism, int concurrency,
                          Duration wait) {
        this.random = random;
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.permits = new Semaphore(Math.max(1, concurrency), true);
        this.wait = wait;
    }

    public String hash(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** True if {@code password} produces {@code encoded}; false for a wrong password or a malformed hash. */
    public boolean verify(String password, String encoded) {
        try {
            String[] parts = encoded.split("\\$");
            if (parts.length != 6 || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) return false;
            int m = 0, t = 0, p = 0;
            for (String kv : parts[3].split(",")) {
                String[] x = kv.split("=");
                int v = Integer.parseInt(x[1]);
                switch (x[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> p = v;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            // a stored hash cannot make us spend more than a sane amount of memory or time
            if (m < 8 || m > 1024 * 1024 || t < 1 || t > 20 || p < 1 || p > 16 || expected.length > 128) return false;
            byte[] actual = derive(password, salt, m, t, p, expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (Busy e) {
            throw e;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** How many Argon2id derivations (hashes and checks) this hasher has run. */
    public long derivations() {
        return derivations.get();
    }

    private byte[] derive(String password, byte[] salt, int m, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m).withIterations(t).withParallelism(p).withSalt(salt).build();
        try {
            if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) throw new Busy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        try {
            derivations.incrementAndGet();
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(params);
            byte[] out = new byte[length];
            gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
            return out;
        } finally {
            permits.release();
        }
    }
}
