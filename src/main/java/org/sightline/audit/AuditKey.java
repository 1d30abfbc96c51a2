package org.sightline.audit;

import org.sightline.config.OwnerOnlyFiles;
import org.sightline.config.ConfigException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The key of the audit chain's HMAC, kept outside the database ({@code audit.key} in the data directory:
 * base64 of 32 random bytes, owner-only, created at first use). Whoever can write the database but not read
 * this file cannot recompute the chain. Nodes sharing one PostgreSQL database must share this file.
 */
public final class AuditKey {
    public static final String FILE = "audit.key";
    private static final int BYTES = 32;

    private final byte[] key;
    private final Path file;
    private final boolean created;

    private AuditKey(byte[] key, Path file, boolean created) {
        this.key = key.clone();
        this.file = file;
        this.created = created;
    }

    /** A key held in memory only (tests). */
    public static AuditKey of(byte[] key) {
        if (key.length != BYTES) throw new IllegalArgumentException("an audit key is " + BYTES + " bytes");
        return new AuditKey(key, null, false);
    }

    /** Loads {@code audit.key} from the data directory, creating it first if there is none. */
    public static AuditKey forDataDir(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            byte[] fresh = new byte[BYTES];
            new SecureRandom().nextBytes(fresh);
            boolean created = OwnerOnlyFiles.createIfAbsent(file,
                    (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(StandardCharsets.US_ASCII));
            byte[] key;
            try {
                key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            } catch (IllegalArgumentException e) {
                key = new byte[0];
            }
            if (key.length != BYTES) throw new ConfigException(file + " is not a Sightline audit key (base64 of 32 bytes)");
            return new AuditKey(key, file, created);
        } catch (IOException e) {
            throw new ConfigException("cannot use the audit key " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /** Whether {@link #forDataDir} created the file just now. */
    boolean created() {
        return created;
    }

    Path file() {
        return file;
    }

    /** HMAC-SHA256 of {@code message}. */
    public byte[] mac(byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }

    String macHex(String message) {
        return HexFormat.of().formatHex(mac(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "AuditKey(" + (file == null ? "in memory" : file) + ")";
    }
}
