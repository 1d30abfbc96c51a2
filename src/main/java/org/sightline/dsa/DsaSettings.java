package org.sightline.dsa;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of the statements of reasons, appeals, the Transparency Database client and the transparency report.
 *
 * @param categories label → {@code STATEMENT_CATEGORY_…} and optional {@code KEYWORD_…}
 */
public record DsaSettings(Duration appealWindow, boolean transparencyPublic, Optional<String> tdbUrl,
                          Optional<String> tdbToken, String ground, String groundText, Map<String, Tdb.Category> categories,
                          int appealsPerHourPerToken, int appealsPerHourPerAddress, Duration tdbInterval) {
    public static final Setting<Integer> APPEAL_DAYS = Setting.integer("dsa.appeal_days", 180,
            "days a statement's appeal link stays valid");
    public static final Setting<Boolean> TRANSPARENCY_PUBLIC = Setting.bool("dsa.transparency_public", false,
            "the transparency report at /transparency is public (otherwise for logged-in users)");
    public static final Setting<Optional<String>> TDB_URL = Setting.optional("dsa.tdb_url", "(off)",
            "the EU Transparency Database to submit statements to (sandbox or production base URL); off when absent");
    public static final Setting<Optional<String>> TDB_TOKEN = Setting.optional("dsa.tdb_token", "(none)",
            "the Transparency Database API token, plain or sealed (`echo TOKEN | sightline seal` prints its v1:… form)");
    public static final Setting<String> GROUND = Setting.string("dsa.decision_ground", "incompatible",
            "the statements' decision ground: incompatible (with the instance's rules) or illegal");
    public static final Setting<String> GROUND_TEXT = Setting.string("dsa.ground_text", "the instance's rules",
            "the contractual ground (or, for illegal, the legal ground) a statement names");
    public static final Setting<String> CATEGORIES = Setting.string("dsa.categories", Tdb.DEFAULT_CATEGORIES,
            "label=STATEMENT_CATEGORY_…[:KEYWORD_…] pairs, comma-separated: how labels map to the database's categories");
    public static final Setting<Integer> APPEALS_PER_TOKEN = Setting.integer("dsa.appeal_rate_per_token", 10,
            "requests an hour one appeal link answers (the page and its form)");
    public static final Setting<Integer> APPEALS_PER_ADDRESS = Setting.integer("dsa.appeal_rate_per_address", 30,
            "appeal page requests an hour from one address");
    public static final Setting<Integer> TDB_INTERVAL_S = Setting.integer("dsa.tdb_interval_s", 60,
            "seconds between Transparency Database submission rounds");
    public static final List<Setting<?>> KEYS = List.of(APPEAL_DAYS, TRANSPARENCY_PUBLIC, TDB_URL, TDB_TOKEN, GROUND,
            GROUND_TEXT, CATEGORIES, APPEALS_PER_TOKEN, APPEALS_PER_ADDRESS, TDB_INTERVAL_S);

    public static DsaSettings from(Config config) {
        int days = APPEAL_DAYS.from(config);
        if (days < 1) throw new IllegalArgumentException("dsa.appeal_days must be at least 1");
        String ground = GROUND.from(config).trim();
        if (!ground.equals("incompatible") && !ground.equals("illegal")) {
            throw new IllegalArgumentException("dsa.decision_ground must be incompatible or illegal, got " + ground);
        }
        return new DsaSettings(Duration.ofDays(days), TRANSPARENCY_PUBLIC.from(config),
                TDB_URL.from(config).filter(s -> !s.isBlank()), TDB_TOKEN.from(config).filter(s -> !s.isBlank()),
                ground, GROUND_TEXT.from(config), parseCategories(CATEGORIES.from(config)),
                APPEALS_PER_TOKEN.from(config), APPEALS_PER_ADDRESS.from(config),
                Duration.ofSeconds(Math.max(1, TDB_INTERVAL_S.from(config))));
    }

    /** Parses {@code label=CATEGORY[:KEYWORD]} pairs, refusing values outside the database's enumerations. */
    static Map<String, Tdb.Category> parseCategories(String text) {
        Map<String, Tdb.Category> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) continue;
            String[] kv = pair.trim().split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("dsa.categories: '" + pair + "' is not label=CATEGORY");
            String[] ck = kv[1].trim().split(":", 2);
            String category = ck[0].trim();
            String keyword = ck.length == 2 ? ck[1].trim() : null;
            if (!Tdb.CATEGORIES.contains(category)) {
                throw new IllegalArgumentException("dsa.categories: unknown category " + category);
            }
            if (keyword != null && !Tdb.KEYWORDS.contains(keyword)) {
                throw new IllegalArgumentException("dsa.categories: unknown keyword " + keyword);
            }
            out.put(kv[0].trim(), new Tdb.Category(category, keyword));
        }
        return out;
    }
}
