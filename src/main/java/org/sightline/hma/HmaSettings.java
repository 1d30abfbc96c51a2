package org.sightline.hma;

import org.sightline.access.Networks;
import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.config.Setting;

import java.util.List;

/** The HMA-compatible API's settings. */
public record HmaSettings(Networks trustedNetworks) {

    public static final Setting<String> TRUSTED_NETWORKS = Setting.string("hma.trusted_networks", "",
            "CIDR blocks whose clients may call the HMA-compatible routes (/h, /m, /c) without a token, comma-separated"
                    + " or a YAML list (empty: a token is always needed; loopback is not trusted unless listed)");
    public static final List<Setting<?>> KEYS = List.of(TRUSTED_NETWORKS);

    public static HmaSettings from(Config config) {
        try {
            return new HmaSettings(Networks.parse(TRUSTED_NETWORKS.from(config)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("hma.trusted_networks: " + e.getMessage());
        }
    }
}
