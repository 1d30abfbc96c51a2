package org.sightline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.audit.AuditKey;
import org.sightline.audit.AuditLog;
import org.sightline.audit.Checkpoint;
import org.sightline.config.Config;
import org.sightline.federation.CheckpointKeys;
import org.sightline.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code audit verify [--checkpoint FILE]}: walks the keyed hash chain; exit 0 when whole, 1 naming the first bad
 * event. {@code audit checkpoint}: prints a signed checkpoint of the current head to keep elsewhere.
 */
@Command(name = "audit", description = "The audit log.", subcommands = {AuditCommand.Verify.class,
        AuditCommand.CheckpointCommand.class})
public final class AuditCommand extends CommandGroup {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "verify", description = "Check that no audit event was edited or deleted.")
    public static final class Verify implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @Option(names = "--checkpoint", paramLabel = "FILE",
                description = "Also check that the log still holds the head this checkpoint (audit checkpoint) recorded")
        Path checkpointFile;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Verify(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            Checkpoint cp = checkpointFile == null ? null : readCheckpoint(checkpointFile);
            AuditLog.Verification v = LocalChannel.find(config)
                    .map(server -> server.verifyAudit(cp))
                    .orElseGet(() -> {
                        try (Database db = Database.open(config)) {
                            AuditLog audit = AuditLog.open(db.jdbi(), Clock.systemUTC(), AuditKey.forDataDir(config.dataDir()));
                            AuditLog.Verification result = cp == null ? audit.verify()
                                    : audit.verify(cp, CheckpointKeys.forDataDir(config.dataDir(), audit));
                            audit.append(LocalChannel.actor(), "audit_verify", "audit", result.ok() ? "ok" : "broken");
                            return result;
                        }
                    });
            return report(v, cp, spec);
        }
    }

    static int report(AuditLog.Verification v, Checkpoint cp, CommandLine.Model.CommandSpec spec) {
        if (v.ok()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("ok: " + v.events() + " events, chain intact"
                    + (v.keyedFrom() > 1 ? " (keyed from event " + v.keyedFrom() + "; events before it are unkeyed)" : "")
                    + (cp == null ? "" : "; the checkpoint of " + cp.at() + " (event " + cp.seq() + ") is still held"));
            out.flush();
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("audit log broken at event " + v.firstBad().orElseThrow() + ": " + v.problem());
        err.flush();
        return 1;
    }

    static Checkpoint readCheckpoint(Path file) {
        try {
            return Checkpoint.fromJson(JSON.readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UserError("cannot read the checkpoint " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    @Command(name = "checkpoint", description = "Print a signed checkpoint of the audit log's head (sequence, hash,"
            + " time) to keep outside the server; check it later with 'audit verify --checkpoint FILE'.")
    public static final class CheckpointCommand implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @Option(names = "--out", paramLabel = "FILE", description = "Write the checkpoint to FILE instead of standard output")
        Path out;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public CheckpointCommand(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException {
            Config config = configOption.load(env);
            Checkpoint cp = LocalChannel.find(config)
                    .map(LocalChannel::auditCheckpoint)
                    .orElseGet(() -> {
                        try (Database db = Database.open(config)) {
                            AuditLog audit = AuditLog.open(db.jdbi(), Clock.systemUTC(), AuditKey.forDataDir(config.dataDir()));
                            Checkpoint c = audit.checkpoint(CheckpointKeys.forDataDir(config.dataDir(), audit));
                            audit.append(LocalChannel.actor(), "audit_checkpoint", "audit", "seq=" + c.seq());
                            return c;
                        }
                    });
            String doc = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cp.toJson()) + "\n";
            if (out == null) {
                spec.commandLine().getOut().print(doc);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(out, doc);
                spec.commandLine().getOut().println("checkpoint of event " + cp.seq() + " written to " + out);
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }
}
