package org.sightline.auth;

import org.sightline.config.OwnerOnlyFiles;
import org.sightline.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The key of the command line's channel to a running server. {@code serve} makes a fresh random key at start and
 * writes it to {@code admin.key} (owner-only) in the data directory, and where it listens to {@code admin.url};
 * a command that finds both calls the server's {@code /api/v1/local/} routes with the key instead of opening
 * the database file the server holds. The server keeps only the key's SHA-256 and compares in constant time.
 */
public final class LocalKey {
    public static final String KEY_FILE = "admin.key";
    public static final String URL_FILE = "admin.url";
    /** The Authorization scheme: {@code Authorization: Sightline-Local <key>}. */
    public static final String SCHEME = "Sightline-Local";
    /** The header naming the operating-system user who runs the command (audited as {@code cli:<user>}). */
    public static final String USER_HEADER = "X-Sightline-Cli-User";

    private final Path dataDir;
    private final byte[] digest;
    private final String fingerprint;

    private LocalKey(Path dataDir, byte[] digest) {
        this.dataDir = dataDir;
        this.digest = digest;
        this.fingerprint = Base64.getEncoder().encodeToString(digest);
    }

    /** Makes a fresh key and writes it to {@code admin.key} (replacing any left by an earlier run). */
    public static LocalKey create(Path dataDir, SecureRandom random) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        try {
            OwnerOnlyFiles.replace(dataDir.resolve(KEY_FILE), (key + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new ConfigException("cannot write " + dataDir.resolve(KEY_FILE) + ": " + e.getMessage());
        }
        return new LocalKey(dataDir, sha256(key));
    }

    /** Writes where the server listens, once it does. */
    public void announce(String url) {
        try {
            OwnerOnlyFiles.replace(dataDir.resolve(URL_FILE), (url + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new ConfigException("cannot write " + dataDir.resolve(URL_FILE) + ": " + e.getMessage());
        }
    }

    /** Whether {@code presented} is the key (constant time). */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented.trim()));
    }

    /** Removes both files at stop, unless a newer server replaced the key meanwhile. */
    public void withdraw() {
        try {
            Optional<String> onDisk = read(dataDir, KEY_FILE);
            if (onDisk.isPresent() && !Base64.getEncoder().encodeToString(sha256(onDisk.get())).equals(fingerprint)) return;
            Files.deleteIfExists(dataDir.resolve(URL_FILE));
            Files.deleteIfExists(dataDir.resolve(KEY_FILE));
        } catch (IOException ignored) {
            // a stale file only makes the next command try the channel first
        }
    }

    /** The first line of one of the two files, if it exists. */
    public static Optional<String> read(Path dataDir, String file) throws IOException {
        Path f = dataDir.resolve(file);
        if (!Files.isRegularFile(f)) return Optional.empty();
        String s = Files.readString(f, StandardCharsets.US_ASCII).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
