package org.sightline.federation;

import org.sightline.config.Config;
import org.sightline.config.Setting;
import org.sightline.config.SharedSettings;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Publishing, subscribing to and sharing hash lists. */
public record ListSettings(int quorum, int pageSize, Optional<String> publisher, Optional<String> publicUrl,
                           long maxDocumentBytes, long fetchTimeoutMillis, Duration retroWindow, long floodMaxPerHour,
                           Duration syncInterval, Duration floodCheck, int shareApprovals, Optional<String> shareBank,
                           SubscriptionService.Limits limits) {

    public static final Setting<Integer> QUORUM = Setting.integer("lists.quorum", 1,
            "subscribed lists (of publishers trusted normal) that must carry a hash before its match acts automatically");
    public static final Setting<Integer> PAGE_SIZE = Setting.integer("lists.page_size", 10_000,
            "changes per published page");
    public static final Setting<Optional<String>> PUBLISHER = Setting.optional("lists.publisher", "lists.public_url",
            "the publisher id written into this instance's lists");
    public static final Setting<Optional<String>> PUBLIC_URL = Setting.optional("lists.public_url",
            "http.public_url, else from each request",
            "this instance's public base URL, the prefix of its lists' ids (set it behind a proxy)");
    public static final Setting<Long> MAX_DOCUMENT_BYTES = Setting.longValue("lists.max_document_bytes",
            512L * 1024 * 1024, "largest list document downloaded, in bytes (512 MB)");
    public static final Setting<Long> FETCH_TIMEOUT_MS = Setting.longValue("lists.fetch_timeout_ms", 120_000,
            "budget of one list download, in ms");
    public static final Setting<Integer> RETRO_DAYS = Setting.integer("lists.retro_days", 30,
            "how far back arriving entries are matched against stored signals, in days");
    public static final Setting<Long> FLOOD_MAX_PER_HOUR = Setting.longValue("lists.flood_max_per_hour", 100,
            "distinct media one subscription may match per hour before it is switched to observe");
    public static final Setting<Long> SYNC_INTERVAL_S = Setting.longValue("lists.sync_interval_s", 900,
            "how often subscriptions sync, in s (0: on demand only)");
    public static final Setting<Long> FLOOD_CHECK_S = Setting.longValue("lists.flood_check_s", 60,
            "how often flood control looks, in s");
    public static final Setting<Integer> SHARE_APPROVALS = Setting.integer("lists.share_approvals", 1,
            "approvers besides the proposer before a proposed hash is shared (1 or 2)");
    public static final Setting<Optional<String>> SHARE_BANK = Setting.optional("lists.share_bank",
            "the first published list's bank", "the local bank approved shares are added to");

    public static final Setting<Long> MAX_ENTRIES = Setting.longValue("lists.max_entries", 1_000_000,
            "entries one subscribed list may hold; a sync that would pass it is refused");
    public static final Setting<Integer> MAX_CHANGES_PER_SYNC = Setting.integer("lists.max_changes_per_sync", 200_000,
            "changes applied in one sync; the next sync continues from there");
    public static final Setting<Double> MAX_RETRACT_SHARE = Setting.decimal("lists.max_retract_share", 0.5,
            "a sync retracting more than this share of a list (and 10 entries or more) is refused with an alert");

    public static final List<Setting<?>> KEYS = List.of(QUORUM, PAGE_SIZE, PUBLISHER, PUBLIC_URL, MAX_DOCUMENT_BYTES,
            FETCH_TIMEOUT_MS, RETRO_DAYS, FLOOD_MAX_PER_HOUR, SYNC_INTERVAL_S, FLOOD_CHECK_S, SHARE_APPROVALS,
            SHARE_BANK, MAX_ENTRIES,
            MAX_CHANGES_PER_SYNC, MAX_RETRACT_SHARE);

    public static ListSettings from(Config config) {
        return new ListSettings(QUORUM.from(config), PAGE_SIZE.from(config), PUBLISHER.from(config),
                PUBLIC_URL.from(config).or(() -> SharedSettings.PUBLIC_URL.from(config)), MAX_DOCUMENT_BYTES.from(config), FETCH_TIMEOUT_MS.from(config),
                Duration.ofDays(RETRO_DAYS.from(config)), FLOOD_MAX_PER_HOUR.from(config),
                Duration.ofSeconds(SYNC_INTERVAL_S.from(config)), Duration.ofSeconds(FLOOD_CHECK_S.from(config)),
                SHARE_APPROVALS.from(config), SHARE_BANK.from(config), new SubscriptionService.Limits(
                        MAX_ENTRIES.from(config), MAX_CHANGES_PER_SYNC.from(config), MAX_RETRACT_SHARE.from(config)));
    }
}
