package org.sightline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.sightline.audit.AuditKey;
import org.sightline.audit.AuditLog;
import org.sightline.users.PasswordHasher;
import org.sightline.users.UserService;
import org.sightline.access.Role;
import org.sightline.access.User;
import org.sightline.config.Config;
import org.sightline.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code user add NAME --role admin|moderator|viewer}: panel accounts (the first admin starts here). */
@Command(name = "user", description = "Panel accounts.", subcommands = {UserCommand.Add.class})
public final class UserCommand extends CommandGroup {

    @Command(name = "add", description = "Create a user. The password is read from standard input with"
            + " --password-stdin; otherwise one is generated and printed once.")
    public static final class Add implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @CommandLine.Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--role", required = true, description = "admin, moderator or viewer")
        String role;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input")
        boolean passwordStdin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Add(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException {
            Role r;
            try {
                r = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            Config config = configOption.load(env);
            String password = null;
            if (passwordStdin) {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                password = in.readLine();
                if (password == null) throw new UserError("no password on standard input");
            }
            PrintWriter out = spec.commandLine().getOut();
            Optional<LocalChannel> server = LocalChannel.find(config);
            if (server.isPresent()) { // the running server holds the database: ask it
                JsonNode u = server.get().addUser(name, r.wireName(), password);
                out.println("created " + u.path("role").asText() + " " + u.path("name").asText());
                if (u.hasNonNull("password")) {
                    out.println("password: " + u.get("password").asText() + "  (shown once; change it under /password)");
                }
                out.flush();
                return 0;
            }
            SecureRandom random = new SecureRandom();
            try (Database db = Database.open(config)) {
                UserService users = new UserService(db.jdbi(), new PasswordHasher(random), random, Clock.systemUTC(),
                        Duration.ofMinutes(30), 5, Duration.ofMinutes(15));
                boolean generated = !passwordStdin;
                if (generated) password = users.generatePassword();
                User u = users.create(name, r, password);
                AuditLog.open(db.jdbi(), Clock.systemUTC(), AuditKey.forDataDir(config.dataDir()))
                        .append(LocalChannel.actor(), "user_add", "user:" + u.name(), "role=" + u.role());
                out.println("created " + u.role() + " " + u.name());
                if (generated) out.println("password: " + password + "  (shown once; change it under /password)");
                out.flush();
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            return 0;
        }
    }
}
