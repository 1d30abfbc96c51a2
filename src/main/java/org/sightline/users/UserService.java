package org.sightline.users;

import org.sightline.common.Digests;
import org.sightline.access.PanelSession;
import org.sightline.access.Role;
import org.sightline.access.User;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Panel accounts, their sessions, login throttling and invitations. Session and invitation tokens are
 * 256 random bits stored only as SHA-256; throttling counts failures in the database, so it holds across nodes.
 */
public final class UserService {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}");
    public static final int MIN_PASSWORD = 10;

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final SecureRandom random;
    private final Clock clock;
    private final Duration idleTimeout;
    private final int maxFailures;
    private final Duration failureWindow;
    private final int maxFailuresPerMinute;
    // A hash to verify against for unknown names, so their answer takes as long as a wrong password.
    private final String dummyHash;

    public UserService(Jdbi jdbi, PasswordHasher hasher, SecureRandom random, Clock clock, Duration idleTimeout,
                       int maxFailures, Duration failureWindow) {
        this(jdbi, hasher, random, clock, idleTimeout, maxFailures, failureWindow, 60);
    }

    /** {@code maxFailuresPerMinute}: failed logins over all accounts and addresses before everyone waits. */
    public UserService(Jdbi jdbi, PasswordHasher hasher, SecureRandom random, Clock clock, Duration idleTimeout,
                       int maxFailures, Duration failureWindow, int maxFailuresPerMinute) {
        this.maxFailuresPerMinute = maxFailuresPerMinute;
        this.jdbi = jdbi;
        this.hasher = hasher;
        this.random = random;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.maxFailures = maxFailures;
        this.failureWindow = failureWindow;
        this.dummyHash = hasher.hash(randomToken());
    }

    /** Password derivations run so far (logins, password changes, new accounts): a figure for metrics and tests. */
    public long passwordChecks() {
        return hasher.derivations();
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public User create(String name, Role role, String password) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name must be 1-100 characters of letters, digits, '_', '.', '@', '-'");
        }
        checkPassword(password);
        UserDao dao = jdbi.onDemand(UserDao.class);
        if (dao.findByName(name).isPresent()) throw new IllegalArgumentException("a user named '" + name + "' already exists");
        long id = dao.insert(name, role.wireName(), hasher.hash(password), now());
        return dao.findById(id).orElseThrow();
    }

    public List<User> list() {
        return jdbi.onDemand(UserDao.class).list();
    }

    /** Whether any account exists (none: a first run, whose admin is created with {@code user add}). */
    public boolean anyUser() {
        return jdbi.onDemand(UserDao.class).count() > 0;
    }

    public Optional<User> find(String name) {
        return jdbi.onDemand(UserDao.class).findByName(name);
    }

    /** A random password for {@code user add} without one on standard input. */
    public String generatePassword() {
        byte[] b = new byte[15];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * Checks the password unless the account or the address has failed too often lately; on success opens a
     * session and returns its token (to be set as a cookie, never logged).
     */
    public LoginResult login(String name, String password, String address) {
        UserDao dao = jdbi.onDemand(UserDao.class);
        Instant now = now();
        Instant since = now.minus(failureWindow);
        String account = name == null ? "" : name.trim();
        if (account.length() > 100) account = account.substring(0, 100);
        String addr = address == null ? "" : address.length() > 64 ? address.substring(0, 64) : address;
        // Reserve the attempt first, then count: of concurrent attempts at most maxFailures see a count within
        // the limit (the last of them to count sees all the others' reservations), so no race checks more
        // passwords than allowed, on one node or several sharing the database. Refused reservations are taken
        // back, so waiting it out works; checked ones stay as failures unless the password was right.
        long attempt = dao.reserveAttempt(account, addr, now);
        if (dao.failuresForAccount(account, since) > maxFailures || dao.failuresForAddress(addr, since) > maxFailures
                || (maxFailuresPerMinute > 0 && dao.failuresSince(now.minusSeconds(60)) > maxFailuresPerMinute)) {
            dao.releaseAttempt(attempt);
            return LoginResult.failed(LoginResult.Outcome.THROTTLED);
        }
        Optional<String> stored = dao.passwordHash(account);
        boolean ok;
        try {
            ok = hasher.verify(password == null ? "" : password, stored.orElse(dummyHash)) && stored.isPresent();
        } catch (PasswordHasher.Busy e) {
            dao.releaseAttempt(attempt);
            return LoginResult.failed(LoginResult.Outcome.BUSY);
        }
        if (!ok) {
            dao.forgetFailuresBefore(now.minus(failureWindow.multipliedBy(4)));
            return LoginResult.failed(LoginResult.Outcome.BAD_CREDENTIALS);
        }
        dao.releaseAttempt(attempt);
        User user = dao.findByName(account).orElseThrow();
        return LoginResult.ok(openSession(user), user);
    }

    private String openSession(User user) {
        String token = randomToken();
        Instant now = now();
        SessionDao sessions = jdbi.onDemand(SessionDao.class);
        // Sweeping idle sessions at each login keeps the table small without a background job.
        sessions.deleteIdleBefore(now.minus(idleTimeout));
        sessions.insert(sha256(token), user.id(), randomToken(), now);
        return token;
    }

    /** The live session for a cookie value; refreshes its idle clock, and ends it if it was idle too long. */
    public Optional<PanelSession> session(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) return Optional.empty();
        SessionDao sessions = jdbi.onDemand(SessionDao.class);
        String hash = sha256(token);
        Optional<SessionDao.SessionRow> row = sessions.find(hash);
        if (row.isEmpty()) return Optional.empty();
        Instant now = now();
        if (row.get().lastSeenAt().plus(idleTimeout).isBefore(now)) {
            sessions.delete(hash);
            return Optional.empty();
        }
        // Writing once a minute is enough for an idle timeout measured in minutes.
        if (row.get().lastSeenAt().plusSeconds(60).isBefore(now)) sessions.touch(row.get().id(), now);
        return jdbi.onDemand(UserDao.class).findById(row.get().userId()).filter(u -> !u.disabled())
                .map(u -> new PanelSession(row.get().id(), u, row.get().csrfToken()));
    }

    public void logout(String token) {
        if (token != null && !token.isEmpty()) jdbi.onDemand(SessionDao.class).delete(sha256(token));
    }

    /** Changes the password after checking the current one; the user's other sessions end. */
    public boolean changePassword(PanelSession session, String current, String replacement) {
        UserDao dao = jdbi.onDemand(UserDao.class);
        String stored = dao.passwordHash(session.user().name()).orElseThrow();
        if (!hasher.verify(current == null ? "" : current, stored)) return false;
        checkPassword(replacement);
        dao.setPassword(session.user().id(), hasher.hash(replacement));
        jdbi.onDemand(SessionDao.class).deleteOthers(session.user().id(), session.id());
        return true;
    }

    /** Changes another user's role; their sessions end so the new role applies at once. */
    public User setRole(User admin, String name, Role role) {
        User u = otherUser(admin, name);
        jdbi.useTransaction(h -> {
            h.attach(UserDao.class).setRole(u.id(), role.wireName());
            h.attach(SessionDao.class).deleteAll(u.id());
        });
        return jdbi.onDemand(UserDao.class).findById(u.id()).orElseThrow();
    }

    /** Disables (or re-enables) another user: a disabled user cannot log in and their sessions end. */
    public User setDisabled(User admin, String name, boolean disabled) {
        User u = otherUser(admin, name);
        jdbi.useTransaction(h -> {
            h.attach(UserDao.class).setDisabled(u.id(), disabled);
            h.attach(SessionDao.class).deleteAll(u.id());
        });
        return jdbi.onDemand(UserDao.class).findById(u.id()).orElseThrow();
    }

    private User otherUser(User admin, String name) {
        User u = jdbi.onDemand(UserDao.class).findByName(name == null ? "" : name)
                .orElseThrow(() -> new IllegalArgumentException("no user named '" + name + "'"));
        // An admin cannot lock themself out; another admin (or the CLI) must do it.
        if (u.id() == admin.id()) throw new IllegalArgumentException("you cannot change your own role or access");
        return u;
    }

    public void setWellness(User user, int blurStrength, boolean greyscale, boolean revealConfirm) {
        if (blurStrength < 0 || blurStrength > 40) throw new IllegalArgumentException("blur strength must be 0..40");
        jdbi.onDemand(UserDao.class).setWellness(user.id(), blurStrength, greyscale, revealConfirm);
    }

    /** Creates a one-time invitation and returns its token (the link is shown once to the admin). */
    public String invite(Role role, String createdBy, Duration validFor) {
        String token = randomToken();
        Instant now = now();
        jdbi.onDemand(UserDao.class).insertInvitation(sha256(token), role.wireName(), createdBy, now, now.plus(validFor));
        return token;
    }

    /** The pending invitation for a token, if it is unused and unexpired. */
    public Optional<UserDao.Invitation> pendingInvitation(String token) {
        if (token == null || token.length() > 100) return Optional.empty();
        Instant now = now();
        return jdbi.onDemand(UserDao.class).findInvitation(sha256(token))
                .filter(i -> i.usedAt() == null && i.expiresAt().isAfter(now));
    }

    /** Accepts an invitation: creates the account (once) in one transaction. */
    public User accept(String token, String name, String password) {
        UserDao.Invitation inv = pendingInvitation(token)
                .orElseThrow(() -> new IllegalArgumentException("this invitation is unknown, used or expired"));
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name must be 1-100 characters of letters, digits, '_', '.', '@', '-'");
        }
        checkPassword(password);
        String hash = hasher.hash(password);
        Instant now = now();
        return jdbi.inTransaction(h -> {
            UserDao dao = h.attach(UserDao.class);
            if (dao.useInvitation(inv.id(), name, now) != 1) {
                throw new IllegalArgumentException("this invitation is unknown, used or expired");
            }
            if (dao.findByName(name).isPresent()) throw new IllegalArgumentException("a user named '" + name + "' already exists");
            long id = dao.insert(name, inv.role(), hash, now);
            return dao.findById(id).orElseThrow();
        });
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw new IllegalArgumentException("the password must have at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > 1000) throw new IllegalArgumentException("the password is too long");
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String s) {
        return Digests.sha256Hex(s);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
