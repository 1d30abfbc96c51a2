package org.sightline.cli;

import org.sightline.audit.AuditLog;
import org.sightline.config.Config;
import org.sightline.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code audit verify}: walks the hash chain; exit 0 when whole, 1 naming the first bad event. */
@Command(name = "audit", description = "The audit log.", subcommands = {AuditCommand.Verify.class})
public final class AuditCommand extends CommandGroup {

    @Command(name = "verify", description = "Check that no audit event was edited or deleted.")
    public static final class Verify implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Verify(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            try (Database db = Database.open(config)) {
                AuditLog.Verification v = new AuditLog(db.jdbi(), Clock.systemUTC()).verify();
                if (v.ok()) {
                    PrintWriter out = spec.commandLine().getOut();
                    out.println("ok: " + v.events() + " events, chain intact");
                    out.flush();
                    return 0;
                }
                PrintWriter err = spec.commandLine().getErr();
                err.println("audit log broken at event " + v.firstBad().orElseThrow() + ": " + v.problem());
                err.flush();
                return 1;
            }
        }
    }
}
