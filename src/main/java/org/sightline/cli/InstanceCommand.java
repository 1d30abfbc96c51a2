package org.sightline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceService;
import org.sightline.boot.App;
import org.sightline.config.Config;
import org.sightline.common.Refusal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code instance add NAME --kind K --url U [--webhook-secret S] [--token T] [--watch none|local|remote|all]},
 * {@code instance remove NAME}.
 */
@Command(name = "instance", description = "Connected instances.", subcommands = {InstanceCommand.Add.class,
        InstanceCommand.Remove.class})
public final class InstanceCommand extends CommandGroup {

    /** Where the instance sends its events. */
    @Command(name = "add", description = "Add an instance; prints the webhook path and a generated secret once.")
    public static final class Add implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--kind", required = true, description = "mastodon, misskey, pleroma, pictrs or generic")
        String kind;
        @Option(names = "--url", required = true, description = "The instance's base URL")
        String url;
        @Option(names = "--webhook-secret", description = "The secret the instance signs webhooks with (generated if absent)")
        String webhookSecret;
        @Option(names = "--token", description = "API token Sightline acts with (stored encrypted)")
        String token;
        @Option(names = "--fail-mode", description = "pict-rs gate on failure: open (accept and review) or closed")
        String failMode;
        @Option(names = "--time-budget-ms", description = "pict-rs gate time budget (default 10000)")
        Integer timeBudgetMs;
        @Option(names = "--watch", description = "public timelines followed (mastodon, pleroma): none (default), local, remote or all;"
                + " the token needs read:statuses")
        String watch;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Add(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            PrintWriter out = spec.commandLine().getOut();
            Optional<LocalChannel> server = LocalChannel.find(config);
            if (server.isPresent()) { // the running server holds the database: ask it
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("name", name);
                fields.put("kind", kind);
                fields.put("url", url);
                fields.put("webhook_secret", webhookSecret);
                fields.put("token", token);
                fields.put("fail_mode", failMode);
                fields.put("time_budget_ms", timeBudgetMs);
                fields.put("watch", watch);
                JsonNode i = server.get().addInstance(fields);
                printAdded(out, config, i.path("kind").asText(), i.path("name").asText(), i.path("url").asText(),
                        i.path("webhook_path").isTextual() ? i.get("webhook_path").asText() : null,
                        i.path("webhook_secret").isTextual() ? i.get("webhook_secret").asText() : null,
                        i.path("watch").asText("none"));
                return 0;
            }
            try (App.Deps deps = App.Deps.open(config)) {
                InstanceService.Added added = deps.instances().add(new InstanceService.NewInstance(name, kind, url,
                        webhookSecret, token, failMode, timeBudgetMs, watch), LocalChannel.actor());
                Instance i = added.instance();
                printAdded(out, config, i.kind().wireName(), i.name(), i.baseUrl(), i.webhookPath(), added.generatedSecret(),
                        i.watch().wireName());
                return 0;
            } catch (Refusal e) {
                throw new UserError(e.getMessage());
            }
        }

        private static void printAdded(PrintWriter out, Config config, String kind, String name, String baseUrl,
                                       String path, String generatedSecret, String watch) {
            out.println("added " + kind + " instance " + name + " (" + baseUrl + ")");
            if (!"none".equals(watch)) {
                out.println("watching its " + watch + " public timeline(s): the token needs the read:statuses scope");
            }
            if (path != null) out.println("webhook URL: http://" + config.httpHost() + ":" + config.httpPort() + path
                    + "  (use your public address)");
            if (generatedSecret != null) {
                out.println("webhook secret (shown once): " + generatedSecret);
            }
            out.flush();
        }
    }

    /** Removes an instance: secrets destroyed, bound tokens revoked; its media and cases are kept. */
    @Command(name = "remove", description = "Remove an instance: its webhook secret and API token are destroyed and the"
            + " tokens bound to it revoked; its media and cases are kept, labelled as from a removed instance.")
    public static final class Remove implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        public Remove(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            Optional<LocalChannel> server = LocalChannel.find(config);
            if (server.isPresent()) {
                server.get().removeInstance(name);
            } else {
                try (App.Deps deps = App.Deps.open(config)) {
                    deps.instances().remove(name, LocalChannel.actor());
                } catch (Refusal e) {
                    throw new UserError(e.getMessage());
                }
            }
            spec.commandLine().getOut().println("removed instance " + name + " (secrets destroyed; media and cases kept)");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
