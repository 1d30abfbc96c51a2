package org.sightline.fetch;

import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.config.Setting;

import java.util.List;

/**
 * Limits of one media fetcher.
 *
 * @param timeoutMillis         budget for the whole fetch (all redirects, headers and body); also the
 *                              connect timeout and the longest wait for the next bytes
 * @param maxBytes              largest body accepted; the transfer is aborted as soon as it is exceeded
 * @param maxRedirects          redirects followed at most (each target checked again); 0..3
 * @param allowPrivateAddresses connect to loopback/private/link-local addresses too (tests, closed networks)
 * @param userAgent             sent with every request
 */
public record FetchSettings(long timeoutMillis, long maxBytes, int maxRedirects, boolean allowPrivateAddresses,
                            String userAgent) {

    public static final String USER_AGENT = "Sightline/0.1 (+media scanner)";
    public static final int REDIRECT_LIMIT = 3;

    public static final Setting<Long> TIMEOUT_MS = Setting.longValue("fetch.timeout_ms", 10_000,
            "budget of one media download (connect, redirects, headers and body), in ms");
    public static final Setting<Integer> MAX_REDIRECTS = Setting.integer("fetch.max_redirects", REDIRECT_LIMIT,
            "redirects followed at most (0..3), each target checked again");
    public static final Setting<Boolean> ALLOW_PRIVATE_ADDRESSES = Setting.bool("fetch.allow_private_addresses", false,
            "let the fetcher reach private, loopback and link-local addresses (tests, closed networks)");
    /** The fetch keys; the size limit is the shared media.max_bytes. */
    public static final List<Setting<?>> KEYS = List.of(TIMEOUT_MS, MAX_REDIRECTS, ALLOW_PRIVATE_ADDRESSES);

    public FetchSettings {
        if (timeoutMillis <= 0) throw new ConfigException("fetch.timeout_ms must be positive, got " + timeoutMillis);
        if (maxBytes <= 0) throw new ConfigException("media.max_bytes must be positive, got " + maxBytes);
        if (maxRedirects < 0 || maxRedirects > REDIRECT_LIMIT) {
            throw new ConfigException("fetch.max_redirects must be between 0 and " + REDIRECT_LIMIT + ", got " + maxRedirects);
        }
        if (userAgent == null || userAgent.isBlank()) userAgent = USER_AGENT;
    }

    /** 10 s, 20 MB, 3 redirects, public addresses only. */
    public static FetchSettings defaults() {
        return from(Config.defaults());
    }

    public static FetchSettings from(Config config) {
        return new FetchSettings(
                TIMEOUT_MS.from(config),
                config.maxMediaBytes(),
                MAX_REDIRECTS.from(config),
                ALLOW_PRIVATE_ADDRESSES.from(config),
                USER_AGENT);
    }

    public FetchSettings withTimeoutMillis(long millis) {
        return new FetchSettings(millis, maxBytes, maxRedirects, allowPrivateAddresses, userAgent);
    }

    public FetchSettings withMaxBytes(long bytes) {
        return new FetchSettings(timeoutMillis, bytes, maxRedirects, allowPrivateAddresses, userAgent);
    }

    public FetchSettings withAllowPrivateAddresses(boolean allow) {
        return new FetchSettings(timeoutMillis, maxBytes, maxRedirects, allow, userAgent);
    }
}
