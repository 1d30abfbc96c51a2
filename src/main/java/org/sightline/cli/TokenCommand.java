package org.sightline.cli;

import org.sightline.access.Scope;
import org.sightline.audit.AuditKey;
import org.sightline.audit.AuditLog;
import org.sightline.auth.TokenService;
import org.sightline.config.Config;
import org.sightline.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code token create NAME --scopes ...}: API tokens. */
@Command(name = "token", description = "API tokens.", subcommands = {TokenCommand.Create.class})
public final class TokenCommand extends CommandGroup {
    @Command(name = "create", description = "Create an API token and print it (once: only its hash is stored).")
    static final class Create implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @CommandLine.Parameters(index = "0", paramLabel = "NAME", description = "Who or what uses the token")
        String name;
        @Option(names = "--scopes", required = true, description = "Comma-separated: scan, match, banks:read, banks:write, admin")
        String scopes;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Create(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            Set<Scope> parsed;
            try {
                parsed = Scope.parseList(scopes);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            Optional<LocalChannel> server = LocalChannel.find(config);
            if (server.isPresent()) { // the running server holds the database: ask it
                print(server.get().createToken(name, scopes));
                return 0;
            }
            // The database alone: no need to load the match index to write one row.
            try (Database db = Database.open(config)) {
                String token = new TokenService(db.jdbi(), new SecureRandom(),
                        Clock.systemUTC()).create(name, parsed);
                Set<String> names = new TreeSet<>();
                parsed.forEach(s -> names.add(s.wireName()));
                AuditLog.open(db.jdbi(), Clock.systemUTC(), AuditKey.forDataDir(config.dataDir()))
                        .append(LocalChannel.actor(), "token_create", "token:" + name, "scopes=" + String.join(",", names));
                print(token);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            return 0;
        }

        private void print(String token) {
            spec.commandLine().getOut().println(token);
            spec.commandLine().getOut().flush();
        }
    }
}
