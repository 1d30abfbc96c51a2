package org.sightline.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

/**
 * Encrypts instance secrets and API tokens before they are stored: AES-256-GCM, a random 96-bit nonce per
 * value, text form {@code v1:<base64(nonce | ciphertext | tag)>}. The key lives in {@code <data.dir>/secret.key}
 * (created on first use, owner-only where the file system has POSIX permissions), never in the database, so
 * a copy of the database alone does not reveal the secrets.
 * <p>
 * A value can be bound to a context (e.g. {@code "instance:social:webhook_secret"}): it then opens only under
 * the same context, so a stored value cannot be moved to another row or column unnoticed.
 * Thread-safe.
 */
public final class SecretBox {
    public static final String KEY_FILE = "secret.key";
    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final String VERSION = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] AAD_PREFIX = "sightline-secret-box/v1\0".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec key;
    private final SecureRandom random;

    /** A box with the given 32-byte key. */
    public SecretBox(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a secret box key is " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.random = new SecureRandom();
    }

    /** The box whose key is {@code <dataDir>/secret.key}, creating the key (and the directory) if missing. */
    public static SecretBox forDataDir(Path dataDir) {
        Path dir = DataDirectory.secure(dataDir);
        return new SecretBox(loadOrCreateKey(dir.resolve(KEY_FILE)));
    }

    public String seal(String plaintext) {
        return seal(plaintext, "");
    }

    public String open(String sealed) {
        return open(sealed, "");
    }

    /** Encrypts {@code plaintext}; the result opens only with this key and the same {@code context}. */
    public String seal(String plaintext, String context) {
        if (plaintext == null) throw new IllegalArgumentException("nothing to seal");
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, context);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return VERSION + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Decrypts a value made by {@link #seal(String, String)}.
     *
     * @throws SecretBoxException if it is not a sealed value, was changed, or was sealed with another key or context
     */
    public String open(String sealed, String context) {
        if (sealed == null || !sealed.startsWith(VERSION)) {
            throw new SecretBoxException("not a sealed secret (expected the v1: form)");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
        } catch (IllegalArgumentException e) {
            throw new SecretBoxException("sealed secret is not valid base64");
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) throw new SecretBoxException("sealed secret is truncated");
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(raw, NONCE_BYTES), context);
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SecretBoxException("sealed secret does not open: it was changed, or sealed with another key ("
                    + KEY_FILE + ") or for another use");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Whether {@code value} looks like a sealed value (so plain values from older data can be told apart). */
    public static boolean isSealed(String value) {
        return value != null && value.startsWith(VERSION);
    }

    private Cipher cipher(int mode, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(AAD_PREFIX);
        cipher.updateAAD((context == null ? "" : context).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    static byte[] loadOrCreateKey(Path file) {
        try {
            if (!Files.exists(file)) create(file);
            byte[] key = decodeKey(Files.readString(file, StandardCharsets.US_ASCII).trim(), file);
            warnIfReadableByOthers(file);
            return key;
        } catch (IOException e) {
            throw new ConfigException("cannot use the secret key " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    private static byte[] decodeKey(String text, Path file) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + " is not a Sightline secret key (base64 of 32 bytes)");
        }
        if (key.length != KEY_BYTES) {
            throw new ConfigException(file + " is not a Sightline secret key (base64 of 32 bytes)");
        }
        return key;
    }

    /**
     * Creates a new key unless one exists ({@link OwnerOnlyFiles#createIfAbsent}): of two processes starting
     * together one makes it, and both use it.
     */
    private static void create(Path file) throws IOException {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        boolean created = OwnerOnlyFiles.createIfAbsent(file,
                (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII));
        if (created) log.info("created a new secret key {}", file);
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("{} can be read by other users; it protects instance secrets: chmod 600 it", file);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // permissions are advice only
        }
    }
}
