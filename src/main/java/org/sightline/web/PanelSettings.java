package org.sightline.web;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.List;

/** The moderator panel's sessions, login throttling and case claims. */
public record PanelSettings(Duration idleTimeout, int loginMaxFailures, Duration loginFailureWindow,
                            Duration claim, int loginMaxFailuresPerMinute, int passwordHashConcurrency,
                            Duration undo) {

    public static final Setting<Long> IDLE_TIMEOUT_MINUTES = Setting.longValue("panel.idle_timeout_minutes", 30,
            "a panel session ends after this many minutes without a request");
    public static final Setting<Integer> LOGIN_MAX_FAILURES = Setting.integer("panel.login_max_failures", 5,
            "failed logins per account and per address before logins are throttled");
    public static final Setting<Long> LOGIN_FAILURE_WINDOW_MINUTES = Setting.longValue(
            "panel.login_failure_window_minutes", 15, "the window failed logins are counted in, in minutes");
    public static final Setting<Long> CLAIM_MINUTES = Setting.longValue("panel.claim_minutes", 10,
            "how long opening a case keeps it from other moderators, in minutes");
    public static final Setting<Integer> LOGIN_MAX_FAILURES_PER_MINUTE = Setting.integer(
            "panel.login_max_failures_per_minute", 60,
            "failed logins per minute over all accounts and addresses before every login waits (0: no global limit)");
    public static final Setting<Integer> PASSWORD_HASH_CONCURRENCY = Setting.integer("panel.password_hash_concurrency", 2,
            "passwords checked at once (Argon2id, 19 MiB each); further logins wait up to 3 s, then are told to retry");
    public static final Setting<Integer> UNDO_SECONDS = Setting.integer("panel.undo_seconds", 10,
            "after a decision in the panel, seconds during which it can be undone and nothing it asked for is sent"
                    + " (actions, bank adds, share proposals wait); 0: carried out at once, no undo");
    public static final List<Setting<?>> KEYS = List.of(IDLE_TIMEOUT_MINUTES, LOGIN_MAX_FAILURES,
            LOGIN_FAILURE_WINDOW_MINUTES, CLAIM_MINUTES, LOGIN_MAX_FAILURES_PER_MINUTE, PASSWORD_HASH_CONCURRENCY,
            UNDO_SECONDS);

    public static PanelSettings from(Config config) {
        int undo = UNDO_SECONDS.from(config);
        if (undo < 0 || undo > 3600) {
            throw new org.sightline.config.ConfigException("panel.undo_seconds must be between 0 and 3600, not " + undo);
        }
        return new PanelSettings(Duration.ofMinutes(IDLE_TIMEOUT_MINUTES.from(config)), LOGIN_MAX_FAILURES.from(config),
                Duration.ofMinutes(LOGIN_FAILURE_WINDOW_MINUTES.from(config)),
                Duration.ofMinutes(CLAIM_MINUTES.from(config)), LOGIN_MAX_FAILURES_PER_MINUTE.from(config),
                PASSWORD_HASH_CONCURRENCY.from(config), Duration.ofSeconds(undo));
    }
}
