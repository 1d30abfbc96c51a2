package org.sightline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.access.Scope;
import org.sightline.audit.AuditKey;
import org.sightline.audit.AuditLog;
import org.sightline.auth.TokenRoutes;
import org.sightline.auth.TokenService;
import org.sightline.common.Refusal;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;
import org.sightline.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code token create NAME --scopes ... [--expires 90d] [--instance NAME]}, {@code token list}, {@code token revoke NAME|ID}: API tokens. */
@Command(name = "token", description = "API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public final class TokenCommand extends CommandGroup {

    /** Runs {@code work} on the token service of the configuration's database (no running server holds it). */
    static <T> T withTokens(Config config, Function<TokenService, T> work) {
        // The database alone: no need to load the match index to read or write a few rows.
        try (Database db = Database.open(config)) {
            AuditLog audit = AuditLog.open(db.jdbi(), Clock.systemUTC(), AuditKey.forDataDir(config.dataDir()));
            // only to look instance names up: no secret is opened, so no secret box (and no key file created)
            InstanceService instances = new InstanceService(db.jdbi(), null, new SecureRandom(), Clock.systemUTC());
            return work.apply(new TokenService(db.jdbi(), audit, new SecureRandom(), Clock.systemUTC(), instances::connected));
        } catch (IllegalArgumentException | Refusal e) {
            throw new UserError(e.getMessage());
        }
    }

    @Command(name = "create", description = "Create an API token and print it (once: only its hash is stored).")
    static final class Create implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @CommandLine.Parameters(index = "0", paramLabel = "NAME", description = "Who or what uses the token")
        String name;
        @Option(names = "--scopes", required = true, description = "Comma-separated: scan, match, banks:read, banks:write, review, admin")
        String scopes;
        @Option(names = "--expires", paramLabel = "Nd|Nh", description = "Expire after N days or hours (default: never)")
        String expires;
        @Option(names = "--instance", paramLabel = "NAME", description = "Bind the token to this connected instance:"
                + " it cannot name another or read its media (not for admin tokens)")
        String instance;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Create(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            Set<Scope> parsed;
            Duration lifetime;
            try {
                parsed = Scope.parseList(scopes);
                lifetime = expires == null ? null : TokenService.parseLifetime(expires);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            Optional<LocalChannel> server = LocalChannel.find(config);
            String token = server.isPresent() // the running server holds the database: ask it
                    ? server.get().createToken(name, scopes, expires, instance)
                    : withTokens(config, t -> t.create(name, parsed, lifetime, instance, LocalChannel.actor()).token());
            spec.commandLine().getOut().println(token);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "list", description = "List the API tokens: name, scopes, created, last used, expiry (never the secret).")
    static final class ListTokens implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        ListTokens(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            Optional<LocalChannel> server = LocalChannel.find(config);
            JsonNode tokens = server.isPresent() ? server.get().listTokens()
                    : withTokens(config, t -> JSON.valueToTree(t.list().stream().map(TokenRoutes::view).toList()));
            PrintWriter out = spec.commandLine().getOut();
            out.println("id\tname\tscopes\tinstance\tcreated\tlast used\tfrom\texpires");
            for (JsonNode t : tokens) {
                StringBuilder scopes = new StringBuilder();
                t.path("scopes").forEach(s -> scopes.append(scopes.isEmpty() ? "" : ",").append(s.asText()));
                out.println(t.path("id").asLong() + "\t" + t.path("name").asText() + "\t" + scopes + "\t"
                        + orDash(t, "instance", "any") + "\t"
                        + t.path("created_at").asText() + "\t" + orDash(t, "last_used_at", "never") + "\t"
                        + orDash(t, "last_used_from", "-") + "\t" + orDash(t, "expires_at", "never"));
            }
            out.flush();
            return 0;
        }

        private static String orDash(JsonNode t, String field, String none) {
            JsonNode v = t.path(field);
            return v.isNull() || v.isMissingNode() ? none : v.asText();
        }
    }

    @Command(name = "revoke", description = "Revoke an API token at once, by name (or id, when no token has that name).")
    static final class Revoke implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();
        @CommandLine.Parameters(index = "0", paramLabel = "NAME|ID", description = "The token's name or id")
        String ref;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Revoke(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            Config config = configOption.load(env);
            Optional<LocalChannel> server = LocalChannel.find(config);
            String name = server.isPresent() ? server.get().revokeToken(ref).path("name").asText()
                    : withTokens(config, t -> t.revoke(ref, LocalChannel.actor()).name());
            spec.commandLine().getOut().println("revoked token '" + name + "'");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
