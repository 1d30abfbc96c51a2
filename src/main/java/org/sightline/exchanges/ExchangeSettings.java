package org.sightline.exchanges;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.List;

/** How often exchanges are fetched, and the flood limit on what one fetch may add. */
public record ExchangeSettings(Duration fetchInterval, int floodFactor, long floodMinAdds,
                               boolean allowCustomEndpoints) {

    public static final Setting<Integer> FETCH_INTERVAL_S = Setting.integer("exchanges.fetch_interval_s", 300,
            "seconds between scheduled fetches of every enabled exchange (one node fetches an exchange at a time)");
    public static final Setting<Integer> FLOOD_FACTOR = Setting.integer("exchanges.flood_factor", 10,
            "a fetch adding more than this many times an exchange's usual adds puts its bank in observe mode");
    public static final Setting<Long> FLOOD_MIN_ADDS = Setting.longValue("exchanges.flood_min_adds", 1000,
            "adds one fetch may always bring before flood control looks at the usual rate");
    public static final Setting<Boolean> ALLOW_CUSTOM_ENDPOINTS = Setting.bool("exchanges.allow_custom_endpoints", false,
            "let an exchange's endpoint (e.g. NCMEC's environment) be a URL other than the listed ones: a proxy or a test"
                    + " double; the exchange's credentials are sent there, so leave it off unless you run that endpoint");
    public static final List<Setting<?>> KEYS = List.of(FETCH_INTERVAL_S, FLOOD_FACTOR, FLOOD_MIN_ADDS,
            ALLOW_CUSTOM_ENDPOINTS);

    public static ExchangeSettings from(Config config) {
        return new ExchangeSettings(Duration.ofSeconds(Math.max(1, FETCH_INTERVAL_S.from(config))),
                Math.max(1, FLOOD_FACTOR.from(config)), Math.max(0, FLOOD_MIN_ADDS.from(config)),
                ALLOW_CUSTOM_ENDPOINTS.from(config));
    }
}
