package org.sightline;

import io.javalin.Javalin;
import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.boot.AllSettings;
import org.sightline.boot.App;
import org.sightline.cli.AuditCommand;
import org.sightline.cli.BenchCommand;
import org.sightline.cli.ClassifyCommand;
import org.sightline.cli.ConfigOption;
import org.sightline.cli.HashCommand;
import org.sightline.cli.InstanceCommand;
import org.sightline.cli.ListCommands;
import org.sightline.cli.TokenCommand;
import org.sightline.cli.UserCommand;
import org.sightline.cli.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The command line, and the one place where Sightline's parts are built and wired together. */
@Command(name = "sightline", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Image-moderation companion server for the fediverse.",
        subcommands = {Main.Serve.class, HashCommand.class, ClassifyCommand.class, TokenCommand.class, InstanceCommand.class,
                UserCommand.class, AuditCommand.class, org.sightline.cli.SealCommand.class,
                ListCommands.Keygen.class, ListCommands.ListCommand.class, BenchCommand.class})
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

    /** {@code --version}: the Maven project version, written into a resource when the jar is built. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/sightline-version.properties")) {
                if (in != null) p.load(in);
            }
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.startsWith("$")) v = Optional.ofNullable(Main.class.getPackage().getImplementationVersion())
                    .orElse("unknown (not built by Maven)");
            return new String[]{"sightline " + v};
        }
    }

    /** Lets subcommands receive the environment without static state. */
    private record Factory(Map<String, String> env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                var constructor = cls.getDeclaredConstructor(Map.class);
                constructor.setAccessible(true); // commands keep their constructors package-private
                return constructor.newInstance(env);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the server (defaults: 127.0.0.1:8080, data in ./data).")
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
            AllSettings.reportUnknownKeys(config);
            // Before the database opens and migrates: a busy port is the commonest first-run failure.
            if (config.httpPort() != 0 && !portFree(config.httpHost(), config.httpPort())) throw portInUse(config);
            App.Deps deps = App.Deps.open(config);
            Javalin app = App.create(deps);
            try {
                app.start(config.httpHost(), config.httpPort());
            } catch (RuntimeException e) {
                if (!bindFailure(e)) throw e;
                app.stop();
                deps.close();
                throw portInUse(config);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.stop();
                deps.close();
                stopped.countDown();
            }, "shutdown"));
            deps.startWorkers();
            spec.commandLine().getOut().println("Sightline listening on http://" + config.httpHost() + ":" + app.port());
            stopped.await();
            return 0;
        }

        private static UserError portInUse(Config config) {
            return new UserError("cannot listen on " + config.httpHost() + ":" + config.httpPort()
                    + ": the port is already in use (another Sightline running?); stop it or choose another port"
                    + " with http.port or SIGHTLINE_HTTP_PORT");
        }

        private static boolean portFree(String host, int port) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress(host, port));
                return true;
            } catch (java.io.IOException e) {
                return !(e instanceof java.net.BindException); // anything else (an unknown host): let start say it
            }
        }

        private static boolean bindFailure(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof io.javalin.util.JavalinBindException || t instanceof java.net.BindException) return true;
            }
            return false;
        }
    }
}
