package org.sightline.auth;

import org.sightline.audit.AuditLog;
import org.sightline.common.Digests;
import org.sightline.access.Principal;
import org.sightline.access.Scope;
import org.sightline.common.Refusal;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * API tokens: 256 random bits, shown once, stored only as their SHA-256 (a fast hash is right for
 * full-entropy secrets: there is nothing to brute-force). A token may expire; revoking one deletes its row. Both
 * are checked in the lookup itself, so every node sharing the database refuses the token at once.
 */
public final class TokenService {
    private static final String PREFIX = "stl_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}");
    private static final Pattern LIFETIME = Pattern.compile("([1-9][0-9]{0,5})([dh])");
    /** Authentication records a token's use at most this often, so it does not write on every request. */
    public static final Duration USE_RECORDED_EVERY = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;
    private final TokenInstances instances;

    /** @param instances which instance names a token may be bound to */
    public TokenService(Jdbi jdbi, AuditLog audit, SecureRandom random, Clock clock, TokenInstances instances) {
        this.instances = instances;
        this.jdbi = jdbi;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
    }

    /** A new token: its plain text exists only here, to be shown once. */
    public record Created(long id, String name, Set<Scope> scopes, Instant expiresAt, String instance, String token) {
    }

    /**
     * Creates a token, audited as {@code actor} in the same transaction.
     *
     * @param lifetime null: it never expires
     * @param instance the connected instance the token is bound to (null: none); an admin token cannot be bound,
     *                 since it could create itself an unbound one
     */
    public Created create(String name, Set<Scope> scopes, Duration lifetime, String instance, String actor) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("token name must be 1-100 characters of letters, digits, '_', '.', '@', '-'");
        }
        if (scopes.isEmpty()) throw new IllegalArgumentException("at least one scope is needed");
        if (lifetime != null && (lifetime.isNegative() || lifetime.isZero())) {
            throw new IllegalArgumentException("a token's lifetime must be positive");
        }
        String bound = instance == null || instance.isBlank() ? null : instance.trim();
        if (bound != null && scopes.contains(Scope.ADMIN)) {
            throw new IllegalArgumentException("an admin token acts on every instance: it cannot be bound to one");
        }
        if (bound != null && !instances.connected(bound)) {
            throw new IllegalArgumentException("no connected instance named '" + bound + "' to bind the token to");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String csv = wire(scopes);
        Instant now = now();
        Instant expires = lifetime == null ? null : now.plus(lifetime);
        long id = jdbi.inTransaction(h -> {
            TokenDao dao = h.attach(TokenDao.class);
            if (dao.countByName(name) > 0) throw new IllegalArgumentException("a token named '" + name + "' already exists");
            long newId = dao.insert(name, hash(token), csv, now, expires, bound);
            audit.append(h, actor, "token_create", "token:" + name,
                    "scopes=" + csv + (expires == null ? "" : " expires=" + expires) + (bound == null ? "" : " instance=" + bound));
            return newId;
        });
        return new Created(id, name, Scope.parseList(csv), expires, bound, token);
    }

    /**
     * Finds the live token, recording when and from which address ({@code client}, may be null) the
     * token was used, at most once per {@link #USE_RECORDED_EVERY}.
     */
    public Optional<Principal> authenticate(String token, String client) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) return Optional.empty();
        Instant now = now();
        TokenDao dao = jdbi.onDemand(TokenDao.class);
        Optional<TokenDao.TokenRow> row = dao.findLive(hash(token), now);
        row.ifPresent(r -> {
            Instant since = now.minus(USE_RECORDED_EVERY);
            if (r.lastUsedAt() == null || r.lastUsedAt().isBefore(since)) dao.touch(r.id(), now, clip(client), since);
        });
        return row.map(r -> new Principal(r.name(), Scope.parseList(r.scopes()), r.instanceName()));
    }

    /** Every token, oldest first (no secrets: only their hashes are stored, and those are not shown). */
    public List<TokenDao.Listed> list() {
        return jdbi.onDemand(TokenDao.class).list();
    }

    /**
     * Revokes a token given by name or, failing that, by numeric id, audited as {@code actor} in the same
     * transaction. It fails at once everywhere: its row is deleted.
     */
    public TokenDao.Listed revoke(String nameOrId, String actor) {
        return jdbi.inTransaction(h -> {
            TokenDao dao = h.attach(TokenDao.class);
            Optional<TokenDao.Listed> t = nameOrId == null ? Optional.empty() : dao.byName(nameOrId);
            if (t.isEmpty() && nameOrId != null && nameOrId.matches("[0-9]{1,18}")) t = dao.byId(Long.parseLong(nameOrId));
            TokenDao.Listed found = t.orElseThrow(() -> Refusal.notFound("no token '" + nameOrId + "'"));
            revoke(dao, h, found, actor);
            return found;
        });
    }

    /** Revokes the token with this id (the API's and the panel's way), audited as {@code actor}. */
    public TokenDao.Listed revoke(long id, String actor) {
        return jdbi.inTransaction(h -> {
            TokenDao dao = h.attach(TokenDao.class);
            TokenDao.Listed found = dao.byId(id).orElseThrow(() -> Refusal.notFound("no token " + id));
            revoke(dao, h, found, actor);
            return found;
        });
    }

    /**
     * Revokes every token bound to {@code instance}, in the caller's transaction (the instance is being removed),
     * each audited as {@code actor}. Returns how many.
     */
    public int revokeBoundTo(org.jdbi.v3.core.Handle h, String instance, String actor) {
        TokenDao dao = h.attach(TokenDao.class);
        List<TokenDao.Listed> bound = dao.boundTo(instance);
        for (TokenDao.Listed t : bound) revoke(dao, h, t, actor);
        return bound.size();
    }

    private void revoke(TokenDao dao, org.jdbi.v3.core.Handle h, TokenDao.Listed t, String actor) {
        if (dao.delete(t.id()) != 1) throw Refusal.notFound("no token " + t.id());
        audit.append(h, actor, "token_revoke", "token:" + t.name(), "id=" + t.id());
    }

    /** A lifetime written {@code Nd} (days) or {@code Nh} (hours), as {@code --expires} and the JSON take it. */
    public static Duration parseLifetime(String s) {
        Matcher m = LIFETIME.matcher(s == null ? "" : s.trim());
        if (!m.matches()) throw new IllegalArgumentException("expiry must be a number of days or hours, like 90d or 12h");
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("d") ? Duration.ofDays(n) : Duration.ofHours(n);
    }

    /** Scopes as stored and shown: wire names, sorted, comma-separated. */
    public static String wire(Set<Scope> scopes) {
        return scopes.stream().map(Scope::wireName).sorted().collect(Collectors.joining(","));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String clip(String client) {
        if (client == null) return null;
        return client.length() > 64 ? client.substring(0, 64) : client;
    }

    static String hash(String token) {
        return Digests.sha256Hex(token);
    }

    /** Whether the token has expired, by the clock its lookup uses (so the page and the guard never disagree). */
    public boolean expired(TokenDao.Listed token) {
        return token.expiredAt(clock.instant());
    }
}
