package org.sightline;

import io.javalin.Javalin;
import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.federation.ListCommands;
import org.sightline.hashing.HashBenchCommand;
import org.sightline.hashing.HashCommand;
import org.sightline.ingest.IngestBenchCommand;
import org.sightline.instances.InstanceCommand;
import org.sightline.matching.MatchBenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The command line, and the one place where Sightline's parts are built and wired together. */
@Command(name = "sightline", mixinStandardHelpOptions = true,
        description = "Image-moderation companion server for the fediverse.",
        subcommands = {Main.Serve.class, HashCommand.class, Main.Token.class, InstanceCommand.class,
                org.sightline.users.UserCommand.class, org.sightline.audit.AuditCommand.class,
                ListCommands.Keygen.class, ListCommands.ListCommand.class, Main.Bench.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;

    public Main(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; tests call this with their own environment and writers. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main(env), new Factory(env));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException || e instanceof UserError) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    Map<String, String> env() {
        return env;
    }

    /** Lets subcommands receive the environment without static state. */
    private record Factory(Map<String, String> env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Map.class).newInstance(env);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    /** An error caused by the user's input, printed as one line without a stack trace. */
    public static class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }

    /** A command that only groups subcommands: on its own it prints its usage and fails. */
    public abstract static class CommandGroup implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return 2;
        }
    }

    /** Options shared by every command that reads the configuration. */
    public static class ConfigOption {
        @Option(names = "--config", description = "YAML configuration file (environment variables SIGHTLINE_* override it)")
        Path configFile;

        public Config load(Map<String, String> env) {
            return Config.load(configFile, env);
        }
    }

    @Command(name = "bench", description = "Benchmarks that report ratios against a baseline measured in the same run.",
            subcommands = {HashBenchCommand.class, MatchBenchCommand.class, IngestBenchCommand.class,
                    org.sightline.federation.ListBenchCommand.class})
    static final class Bench extends CommandGroup {
    }

    @Command(name = "serve", description = "Run the server (defaults: 127.0.0.1:8080, data in ./data).")
    static final class Serve implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Serve(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws InterruptedException {
            Config config = configOption.load(env);
            App.Deps deps = App.Deps.open(config);
            Javalin app = App.create(deps);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.stop();
                deps.close();
                stopped.countDown();
            }, "shutdown"));
            app.start(config.httpHost(), config.httpPort());
            deps.startWorkers();
            spec.commandLine().getOut().println("Sightline listening on http://" + config.httpHost() + ":" + app.port());
            stopped.await();
            return 0;
        }
    }

    /** {@code token create NAME --scopes ...}: API tokens. */
    @Command(name = "token", description = "API tokens.", subcommands = {Main.TokenCreate.class})
    static final class Token extends CommandGroup {
    }

    @Command(name = "create", description = "Create an API token and print it (once: only its hash is stored).")
    static final class TokenCreate implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @CommandLine.Parameters(index = "0", paramLabel = "NAME", description = "Who or what uses the token")
        String name;
        @Option(names = "--scopes", required = true, description = "Comma-separated: scan, match, banks:read, banks:write, admin")
        String scopes;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        TokenCreate(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            java.util.Set<org.sightline.access.Scope> parsed;
            try {
                parsed = org.sightline.access.Scope.parseList(scopes);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            // The database alone: no need to load the match index to write one row.
            try (org.sightline.store.Database db = org.sightline.store.Database.open(config)) {
                String token = new org.sightline.auth.TokenService(db.jdbi(), new java.security.SecureRandom(),
                        java.time.Clock.systemUTC()).create(name, parsed);
                spec.commandLine().getOut().println(token);
                spec.commandLine().getOut().flush();
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            return 0;
        }
    }
}
