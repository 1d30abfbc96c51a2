package org.sightline.cli;

import java.util.Optional;
import org.sightline.store.Database;
import org.sightline.audit.AuditKey;
import org.sightline.audit.AuditLog;
import org.sightline.federation.KeyFiles;
import org.sightline.federation.ListFormat;
import org.sightline.federation.PublicKey;
import org.sightline.federation.SigningKey;
import org.sightline.config.Config;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code keygen} and {@code list sign|verify}: the publishing key and detached signatures of list files. */
public final class ListCommands {
    private ListCommands() {
    }

    /** The companion signature file's one line: {@code ed25519 <key id> <base64 signature>}. */
    public static String sigLine(SigningKey key, byte[] content) {
        return "ed25519 " + key.keyId() + " " + key.signBase64(content) + "\n";
    }

    /** Why {@code sig} is not {@code key}'s signature of {@code content}, or null when it is. */
    public static String verifySigLine(PublicKey key, byte[] content, String sig) {
        String[] p = sig.strip().split("\\s+");
        if (p.length != 3 || !p[0].equals("ed25519")) return "malformed signature file (expected 'ed25519 <key id> <signature>')";
        if (!p[1].equals(key.keyId())) return "signed by key " + p[1] + ", not by " + key.keyId();
        if (!key.verifyBase64(content, p[2])) return "bad signature: the file was changed after signing, or not signed by " + key.keyId();
        return null;
    }

    /** A public key from a key document file, or given inline as base64. */
    public static PublicKey readPublicKey(String k) {
        Path p = Path.of(k);
        if (Files.isRegularFile(p)) {
            try {
                ListFormat.KeyDocument d = new ListFormat().readKey(Files.readAllBytes(p));
                return PublicKey.fromBase64(d.publicKey());
            } catch (IOException e) {
                throw new UserError("cannot read key file " + k);
            } catch (ListFormat.FormatException e) {
                throw new UserError(k + ": " + e.getMessage());
            }
        }
        try {
            return PublicKey.fromBase64(k);
        } catch (IllegalArgumentException e) {
            throw new UserError("--key must be a public key file (list-signing.pub) or a base64 Ed25519 public key");
        }
    }

    @Command(name = "keygen", description = "Create this instance's list-publishing key in the data directory (refuses to overwrite).")
    public static final class Keygen implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @Option(names = "--rotate", description = "Replace the key, publishing a rotation statement signed by the old key")
        boolean rotate;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Keygen(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            KeyFiles files = new KeyFiles(config.dataDir());
            SigningKey key;
            try {
                key = rotate ? files.rotate(new SecureRandom(), Clock.systemUTC().instant()) : files.generate(new SecureRandom());
            } catch (IllegalStateException e) {
                throw new UserError(e.getMessage());
            }
            record(config, key.keyId());
            PrintWriter out = spec.commandLine().getOut();
            out.println("key id (fingerprint): " + key.keyId());
            out.println("public key: " + key.publicKey().base64());
            out.println("private key: " + files.privateFile() + " (owner-only; back it up)");
            out.flush();
            return 0;
        }

        /** The audit event: through the running server when it holds the database, else straight into it. */
        private void record(Config config, String keyId) {
            String action = rotate ? "keygen_rotate" : "keygen";
            Optional<LocalChannel> server = LocalChannel.find(config);
            if (server.isPresent()) {
                server.get().recordKeygen(keyId, rotate);
                return;
            }
            try (Database db = Database.open(config)) {
                AuditLog.open(db.jdbi(), Clock.systemUTC(), AuditKey.forDataDir(config.dataDir()))
                        .append(LocalChannel.actor(), action, "key:" + keyId, "");
            }
        }
    }

    @Command(name = "list", description = "Signed list files.", subcommands = {Sign.class, Verify.class})
    public static final class ListCommand extends CommandGroup {
    }

    @Command(name = "sign", description = "Write FILE.sig, the data directory key's detached signature of FILE.")
    public static final class Sign implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Sign(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException {
            Config config = configOption.load(env);
            SigningKey key = new KeyFiles(config.dataDir()).load()
                    .orElseThrow(() -> new UserError("no publishing key in " + config.dataDir() + "; run 'sightline keygen'"));
            if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
            Path sig = file.resolveSibling(file.getFileName() + ".sig");
            Files.writeString(sig, sigLine(key, Files.readAllBytes(file)), StandardCharsets.UTF_8);
            spec.commandLine().getOut().println(sig + ": signed by " + key.keyId());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "verify", description = "Check FILE against FILE.sig and a public key; exit 0 if it verifies.")
    public static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;
        @Option(names = "--key", required = true, description = "Public key file (list-signing.pub) or base64 public key")
        String key;
        @Option(names = "--fingerprint", description = "Also require the key to have this fingerprint (key id)")
        String fingerprint;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            PublicKey pk = readPublicKey(key);
            if (fingerprint != null && !fingerprint.trim().equalsIgnoreCase(pk.keyId())) {
                err.println(file + ": key " + pk.keyId() + " does not have fingerprint " + fingerprint.trim());
                err.flush();
                return 1;
            }
            Path sig = file.resolveSibling(file.getFileName() + ".sig");
            if (!Files.isRegularFile(file) || !Files.isRegularFile(sig)) {
                err.println(file + ": " + (Files.isRegularFile(file) ? "no signature file " + sig : "no such file"));
                err.flush();
                return 1;
            }
            String problem = verifySigLine(pk, Files.readAllBytes(file), Files.readString(sig, StandardCharsets.UTF_8));
            if (problem != null) {
                err.println(file + ": " + problem);
                err.flush();
                return 1;
            }
            spec.commandLine().getOut().println(file + ": OK, signed by " + pk.keyId());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
