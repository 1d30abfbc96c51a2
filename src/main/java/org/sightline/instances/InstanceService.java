package org.sightline.instances;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.config.SecretBox;
import org.sightline.common.Refusal;
import org.sightline.store.Columns;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Adds and looks up instances; seals their secrets with the data directory's key. */
public final class InstanceService {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    /** Printable ASCII without spaces: a pasted token with a stray line break or space is a paste mistake. */
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");
    private static final int DEFAULT_BUDGET_MS = 10_000;

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final SecureRandom random;
    private final Clock clock;
    private final AuditLog audit;
    private final List<RemovalHook> removalHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Called inside the transaction that removes an instance (e.g. to revoke the tokens bound to it). */
    @FunctionalInterface
    public interface RemovalHook {
        void removed(Handle h, Instance instance, String actor);
    }

    public void addRemovalHook(RemovalHook hook) {
        removalHooks.add(hook);
    }
    private final List<Consumer<Instance>> watchChanged = new java.util.concurrent.CopyOnWriteArrayList<>();

    public InstanceService(Jdbi jdbi, SecretBox secrets, SecureRandom random, Clock clock) {
        this(jdbi, secrets, random, clock, null);
    }

    /** @param audit where instances added for an actor are recorded, in their transaction (null: not) */
    public InstanceService(Jdbi jdbi, SecretBox secrets, SecureRandom random, Clock clock, AuditLog audit) {
        this.audit = audit;
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.random = random;
        this.clock = clock;
    }

    /** What to add. {@code webhookSecret} null: one is generated for kinds that call Sightline's webhook. */
    public record NewInstance(String name, String kind, String url, String webhookSecret, String apiToken,
                              String failMode, Integer timeBudgetMs, String watch) {
    }

    /** The stored instance and, when Sightline generated it, the webhook secret to show once. */
    public record Added(Instance instance, String generatedSecret) {
    }

    /** Plain webhook secrets up to this size fit {@code instances.webhook_secret} once sealed. */
    static final int MAX_SECRET_BYTES = 512;

    public Added add(NewInstance spec) {
        return add(spec, null);
    }

    /**
     * {@link #add(NewInstance)} for {@code actor} (null: not audited): the {@code instance_add} event (kind and
     * URL, never the secret or token) commits with the instance.
     */
    public Added add(NewInstance spec, String actor) {
        String name = spec.name() == null ? "" : spec.name().trim();
        if (!NAME.matcher(name).matches()) {
            throw Refusal.invalid("instance name must be 1-64 of a-z 0-9 _ . - (starting with a letter or digit)");
        }
        InstanceKind kind = InstanceKind.parse(spec.kind());
        String url = normaliseUrl(spec.url());
        String failMode = spec.failMode() == null ? Instance.FAIL_OPEN : spec.failMode();
        if (!failMode.equals(Instance.FAIL_OPEN) && !failMode.equals(Instance.FAIL_CLOSED)) {
            throw Refusal.invalid("fail_mode must be open or closed");
        }
        int budget = spec.timeBudgetMs() == null ? DEFAULT_BUDGET_MS : spec.timeBudgetMs();
        if (budget < 100 || budget > 120_000) throw Refusal.invalid("time_budget_ms must be between 100 and 120000");
        Watch watch = spec.watch() == null ? Watch.NONE : Watch.parse(spec.watch());
        if (watch != Watch.NONE && !kind.followable()) {
            throw Refusal.invalid(InstanceKind.onlyFollowable("watched"));
        }
        String generated = null;
        String secret = spec.webhookSecret();
        if (secret != null && secret.length() < 16) {
            throw Refusal.invalid("a webhook secret must be at least 16 characters");
        }
        // sealed, a secret grows by a third and more: this keeps it within its column
        if (secret != null && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SECRET_BYTES) {
            throw Refusal.invalid("a webhook secret must be at most " + MAX_SECRET_BYTES + " bytes");
        }
        if (spec.apiToken() != null && spec.apiToken().strip().length() > 1024) {
            throw Refusal.invalid("an API token is up to 1024 printable characters without spaces");
        }
        if (secret == null && kind.sendsWebhooks()) { // no secret for a webhook nobody will call
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            secret = generated = HexFormat.of().formatHex(bytes);
        }
        String sealedSecret = secret == null ? null : secrets.seal(secret, context(name, "webhook_secret"));
        String sealedToken = spec.apiToken() == null || spec.apiToken().isBlank() ? null
                : secrets.seal(spec.apiToken(), context(name, "api_token"));
        Instance row = new Instance(0, name, kind, url, sealedSecret, sealedToken, failMode, budget, clock.instant(),
                watch);
        long id = jdbi.inTransaction(h -> {
            InstanceDao dao = h.attach(InstanceDao.class);
            if (dao.findByName(name).isPresent()) throw Refusal.conflict("instance '" + name + "' exists");
            if (dao.countAnyByName(name) > 0) {
                throw Refusal.conflict("instance '" + name + "' was removed; a name is not reused, so that its media,"
                        + " cases and audit events stay unambiguous: choose another name");
            }
            long newId = dao.insert(row);
            if (actor != null && audit != null) {
                audit.append(h, actor, "instance_add", "instance:" + name, "kind=" + kind.wireName() + " url=" + url
                        + (watch == Watch.NONE ? "" : " watch=" + watch.wireName()));
            }
            return newId;
        });
        Added added = new Added(new Instance(id, name, row.kind(), url, sealedSecret, sealedToken, failMode, budget,
                row.createdAt(), watch), generated);
        if (watch != Watch.NONE) watchChanged.forEach(l -> l.accept(added.instance()));
        return added;
    }

    /** Called after an instance's watch setting changed (the follower starts or stops following it). */
    public void onWatchChange(Consumer<Instance> listener) {
        watchChanged.add(listener);
    }

    /**
     * Sets which public timelines of {@code name} Sightline follows; the {@code instance_watch} event for
     * {@code actor} commits with the change.
     */
    public Instance setWatch(String name, String value, String actor) {
        Instance instance = find(name).orElseThrow(() -> Refusal.notFound("no instance named '" + name + "'"));
        Watch watch = Watch.parse(value);
        if (watch != Watch.NONE && !instance.followable()) {
            throw Refusal.invalid(InstanceKind.onlyFollowable("watched"));
        }
        jdbi.useTransaction(h -> {
            h.attach(InstanceDao.class).setWatch(instance.id(), watch);
            if (audit != null) {
                audit.append(h, actor, "instance_watch", "instance:" + name, "watch=" + watch.wireName()
                        + " was=" + instance.watch().wireName());
            }
        });
        Instance changed = instance.withWatch(watch);
        watchChanged.forEach(l -> l.accept(changed));
        return changed;
    }

    public Optional<Instance> find(String name) {
        return jdbi.withExtension(InstanceDao.class, dao -> dao.findByName(name));
    }

    /**
     * Removes an instance for {@code actor}, audited in the same transaction: its webhook secret and API token are
     * destroyed, the removal hooks run (tokens bound to it are revoked), and it no longer receives events, is
     * polled or acted on. Its row stays, marked removed, so its media and cases are kept and labelled.
     */
    public Instance remove(String name, String actor) {
        Instance instance = find(name).orElseThrow(() -> Refusal.notFound("no instance named '" + name + "'"));
        java.time.Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        jdbi.useTransaction(h -> {
            if (h.attach(InstanceDao.class).remove(instance.id(), now, actor) != 1) {
                throw Refusal.notFound("instance '" + name + "' was removed meanwhile");
            }
            if (audit != null) {
                audit.append(h, actor, "instance_remove", "instance:" + name, "kind=" + instance.kind().wireName()
                        + " url=" + instance.baseUrl() + " secrets destroyed");
            }
            for (RemovalHook hook : removalHooks) hook.removed(h, instance, actor);
        });
        return instance;
    }

    /** Whether an instance of this name is connected: tokens may be bound to it. */
    public boolean connected(String name) {
        return find(name).isPresent();
    }

    public Optional<Instance> find(long id) {
        return jdbi.withExtension(InstanceDao.class, dao -> dao.findById(id));
    }

    public List<Instance> list() {
        return jdbi.withExtension(InstanceDao.class, InstanceDao::list);
    }

    /** When the instance last sent an event that passed its signature check. */
    public Optional<java.time.Instant> lastEventAt(Instance instance) {
        return jdbi.withHandle(h -> h.createQuery("SELECT last_event_at FROM instances WHERE id = :id")
                .bind("id", instance.id()).mapTo(java.time.Instant.class).findOne());
    }

    /** Notes a verified event; at most once a minute, so a burst of webhooks does not queue on one row. */
    public void recordEvent(Instance instance) {
        java.time.Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        jdbi.useHandle(h -> h.createUpdate("UPDATE instances SET last_event_at = :at WHERE id = :id"
                        + " AND (last_event_at IS NULL OR last_event_at < :stale)")
                .bind("at", now).bind("stale", now.minusSeconds(60)).bind("id", instance.id()).execute());
    }

    /** The plain webhook secret, or empty when none is configured. */
    public Optional<String> webhookSecret(Instance instance) {
        return Optional.ofNullable(instance.webhookSecret())
                .map(s -> secrets.open(s, context(instance.name(), "webhook_secret")));
    }

    /**
     * Stores (or replaces) a token an admin created on the instance, for kinds without an OAuth flow here
     * (Misskey, Pleroma, generic), with {@code alsoInTransaction} (its audit event) committed together. Sealed
     * like every secret; the caller must not log or echo it.
     */
    public Instance setApiToken(String name, String token, Consumer<Handle> alsoInTransaction) {
        Instance instance = find(name).orElseThrow(() -> Refusal.notFound("no instance named '" + name + "'"));
        if (instance.kind() == InstanceKind.PICTRS) throw Refusal.invalid("pict-rs instances take no actions: no token needed");
        String t = token == null ? "" : token.trim();
        if (t.isEmpty()) throw Refusal.invalid("paste the instance's API token");
        if (t.length() > 1024 || !TOKEN.matcher(t).matches()) {
            throw Refusal.invalid("an API token is up to 1024 printable characters without spaces");
        }
        jdbi.useTransaction(h -> {
            h.attach(InstanceDao.class).setApiToken(instance.id(), secrets.seal(t, context(instance.name(), "api_token")));
            alsoInTransaction.accept(h);
        });
        return find(instance.id()).orElseThrow();
    }

    /**
     * Records what the instance's token was found to allow ({@link TokenScopes}), audited as
     * {@code instance_token_scopes} with the finding (scopes, never the token) in the same transaction.
     */
    public void recordTokenScopes(Instance instance, TokenScopes.Checked checked, String actor) {
        jdbi.useTransaction(h -> {
            h.attach(InstanceDao.class).setTokenScopes(instance.id(), checked.scopes(), clock.instant());
            if (audit != null) {
                audit.append(h, actor, "instance_token_scopes", "instance:" + instance.name(), checked.note());
            }
        });
    }

    /** The scopes or permissions the token was last found to hold (empty: not checked, or not said). */
    public Optional<String> tokenScopes(Instance instance) {
        return jdbi.withExtension(InstanceDao.class, d -> d.tokenScopes(instance.id()));
    }

    public Optional<String> apiToken(Instance instance) {
        return Optional.ofNullable(instance.apiToken()).map(s -> secrets.open(s, context(instance.name(), "api_token")));
    }

    private static String context(String name, String column) {
        return "instance:" + name + ":" + column;
    }

    private static String normaliseUrl(String url) {
        if (url == null || url.isBlank()) throw Refusal.invalid("url is required");
        try {
            URI uri = URI.create(url.trim());
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw Refusal.invalid("url must be an http(s) URL with a host");
            }
            String s = uri.toString();
            s = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
            String tooLong = Columns.overLimit("url", s, Columns.INSTANCE_BASE_URL);
            if (tooLong != null) throw Refusal.invalid(tooLong);
            return s;
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("url is not a valid URL");
        }
    }
}
