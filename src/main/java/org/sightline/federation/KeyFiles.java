package org.sightline.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.config.DataDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The instance's list-signing key in the data directory: {@code list-signing.key} (the private key, owner-only),
 * {@code list-signing.pub} (its public key document) and {@code list-rotations.json} (rotation statements, oldest
 * first, each signed by the key it retires).
 */
public final class KeyFiles {
    public static final String PRIVATE = "list-signing.key";
    public static final String PUBLIC = "list-signing.pub";
    public static final String ROTATIONS = "list-rotations.json";

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper();

    public KeyFiles(Path dataDir) {
        this.dir = dataDir;
    }

    public Path privateFile() {
        return dir.resolve(PRIVATE);
    }

    /** Creates the key; refuses if one exists (a lost key means every subscriber must re-pin). */
    public SigningKey generate(SecureRandom random) {
        if (Files.exists(privateFile())) {
            throw new IllegalStateException(privateFile() + " already exists; refusing to overwrite the publishing key");
        }
        SigningKey key = SigningKey.generate(random);
        writeKey(key);
        return key;
    }

    /**
     * Replaces the key with a new one and appends a rotation statement signed by the old key, so subscribers
     * that pinned the old key can follow. The old private key is kept beside as {@code list-signing.key.<id>}.
     */
    public SigningKey rotate(SecureRandom random, Instant now) {
        SigningKey old = load().orElseThrow(() -> new IllegalStateException("no key to rotate; run keygen first"));
        SigningKey fresh = SigningKey.generate(random);
        byte[] statement = ListFormat.rotation(old.keyId(), fresh.publicKey(),
                now.truncatedTo(ChronoUnit.SECONDS).toString());
        List<ListFormat.SignedRotation> all = new ArrayList<>(rotations());
        all.add(new ListFormat.SignedRotation(Base64.getEncoder().encodeToString(statement), old.signBase64(statement)));
        try {
            Files.move(privateFile(), dir.resolve(PRIVATE + "." + old.keyId().substring(0, 16)));
            writeKey(fresh);
            Files.write(dir.resolve(ROTATIONS), json.writeValueAsBytes(all));
            DataDirectory.tighten(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fresh;
    }

    public Optional<SigningKey> load() {
        Path f = privateFile();
        if (!Files.exists(f)) return Optional.empty();
        try {
            JsonNode n = json.readTree(f.toFile());
            return Optional.of(SigningKey.fromSeed(Base64.getDecoder().decode(n.path("private_key").asText())));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read " + f + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    public List<ListFormat.SignedRotation> rotations() {
        Path f = dir.resolve(ROTATIONS);
        if (!Files.exists(f)) return List.of();
        try {
            return List.of(json.readValue(f.toFile(), ListFormat.SignedRotation[].class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeKey(SigningKey key) {
        try {
            DataDirectory.secure(dir);
            String body = "{\"algorithm\":\"ed25519\",\"key_id\":\"" + key.keyId() + "\",\"private_key\":\""
                    + key.seedBase64() + "\"}\n";
            Path f = privateFile();
            try {
                // created owner-only before a byte of the key is written
                Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(f);
            } catch (FileAlreadyExistsException e) {
                throw new IllegalStateException(f + " already exists; refusing to overwrite the publishing key");
            }
            Files.writeString(f, body, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.write(dir.resolve(PUBLIC), ListFormat.keyDocument(key.publicKey(), null));
            DataDirectory.tighten(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
