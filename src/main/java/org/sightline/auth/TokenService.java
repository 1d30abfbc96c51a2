package org.sightline.auth;

import org.sightline.common.Digests;
import org.sightline.access.Principal;
import org.sightline.access.Scope;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * API tokens: 256 random bits, shown once, stored only as their SHA-256 (a fast hash is right for
 * full-entropy secrets: there is nothing to brute-force).
 */
public final class TokenService {
    private static final String PREFIX = "stl_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}");

    private final Jdbi jdbi;
    private final SecureRandom random;
    private final Clock clock;

    public TokenService(Jdbi jdbi, SecureRandom random, Clock clock) {
        this.jdbi = jdbi;
        this.random = random;
        this.clock = clock;
    }

    /** Creates a token and returns its plain text (the only time it exists outside the caller). */
    public String create(String name, Set<Scope> scopes) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("token name must be 1-100 characters of letters, digits, '_', '.', '@', '-'");
        }
        if (scopes.isEmpty()) throw new IllegalArgumentException("at least one scope is needed");
        TokenDao dao = jdbi.onDemand(TokenDao.class);
        if (dao.countByName(name) > 0) throw new IllegalArgumentException("a token named '" + name + "' already exists");
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String csv = scopes.stream().map(Scope::wireName).sorted().collect(Collectors.joining(","));
        dao.insert(name, hash(token), csv, clock.instant().truncatedTo(ChronoUnit.MICROS));
        return token;
    }

    /** The principal for a presented token, if it is one of ours. */
    public Optional<Principal> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) return Optional.empty();
        return jdbi.onDemand(TokenDao.class).findByHash(hash(token)).map(row -> new Principal(row.name(), Scope.parseList(row.scopes())));
    }

    static String hash(String token) {
        return Digests.sha256Hex(token);
    }
}
