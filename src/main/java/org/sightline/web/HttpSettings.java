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
public record HttpSettings(boolean secureCookies, boolean forwardedFor, Optional<String> publicUrl) {

    public static final Setting<Boolean> SECURE_COOKIES = Setting.bool("http.secure_cookies", false,
            "mark the panel's cookies Secure even over plain HTTP (behind a TLS proxy)");
    public static final Setting<Boolean> FORWARDED_FOR = Setting.bool("http.forwarded_for", false,
            "behind a reverse proxy: throttle logins by the last X-Forwarded-For address, not the proxy's");
    public static final List<Setting<?>> KEYS = List.of(SECURE_COOKIES, FORWARDED_FOR);

    public static HttpSettings from(Config config) {
        return new HttpSettings(SECURE_COOKIES.from(config), FORWARDED_FOR.from(config),
                org.sightline.config.SharedSettings.PUBLIC_URL.from(config));
    }
}
