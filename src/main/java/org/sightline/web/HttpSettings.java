package org.sightline.web;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.util.List;
import java.util.Optional;

/**
 * How the panel's HTTP side behaves behind a proxy. Host, port and the public URL are shared settings
 * ({@link Config#httpHost()} ...) since commands and instance links need them too.
 *
 * @param publicUrl the configured public URL only (no derived default): invitation links otherwise use the request's host
 */
public record HttpSettings(boolean secureCookies, boolean forwardedFor, Optional<String> publicUrl,
                           long idleTimeoutMillis, long minRequestBytesPerSecond, int maxOpenUploads) {

    public static final Setting<Boolean> SECURE_COOKIES = Setting.bool("http.secure_cookies", false,
            "mark the panel's cookies Secure even over plain HTTP (behind a TLS proxy)");
    public static final Setting<Boolean> FORWARDED_FOR = Setting.bool("http.forwarded_for", false,
            "behind a reverse proxy: throttle logins by the last X-Forwarded-For address, not the proxy's");
    public static final Setting<Long> IDLE_TIMEOUT_MS = Setting.longValue("http.idle_timeout_ms", 30_000,
            "a connection or request that sends nothing for this long is closed, in ms");
    public static final Setting<Long> MIN_REQUEST_BYTES_PER_S = Setting.longValue("http.min_request_bytes_per_s", 1024,
            "the least average rate a request body must arrive at (after a 2 s grace); slower is cut with 408 (0: none)");
    public static final Setting<Integer> MAX_OPEN_UPLOADS = Setting.integer("http.max_open_uploads", 64,
            "requests whose bodies are being read at once; more are answered 503 at once (0: no cap)");
    public static final List<Setting<?>> KEYS = List.of(SECURE_COOKIES, FORWARDED_FOR, IDLE_TIMEOUT_MS,
            MIN_REQUEST_BYTES_PER_S, MAX_OPEN_UPLOADS);

    public static HttpSettings from(Config config) {
        return new HttpSettings(SECURE_COOKIES.from(config), FORWARDED_FOR.from(config),
                org.sightline.config.SharedSettings.PUBLIC_URL.from(config), IDLE_TIMEOUT_MS.from(config),
                MIN_REQUEST_BYTES_PER_S.from(config), MAX_OPEN_UPLOADS.from(config));
    }
}
