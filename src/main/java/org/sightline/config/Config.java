package org.sightline.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sightline's configuration: an optional YAML file, overridden by environment variables.
 * A key path such as {@code http.port} is overridden by {@code SIGHTLINE_HTTP_PORT}.
 * Immutable: build a new one (e.g. {@link #with}) instead of changing it, so two servers
 * in one JVM never share settings.
 */
public final class Config {
    private final Map<String, String> values;

    private Config(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Config defaults() {
        return new Config(Map.of());
    }

    /** Loads the YAML file (if any) and applies {@code SIGHTLINE_*} overrides from {@code env}. */
    public static Config load(Path yamlFile, Map<String, String> env) {
        Map<String, String> flat = new LinkedHashMap<>();
        if (yamlFile != null) {
            try {
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(yamlFile));
                if (root != null && !root.isNull() && !root.isMissingNode()) {
                    if (!root.isObject()) throw new ConfigException(yamlFile + ": the top level must be a mapping");
                    flatten("", root, flat);
                }
            } catch (IOException e) {
                throw new ConfigException("cannot read configuration " + yamlFile + ": " + e.getMessage());
            }
        }
        Config fromFile = new Config(flat);
        Map<String, String> merged = new LinkedHashMap<>(flat);
        env.forEach((name, value) -> {
            if (name.startsWith("SIGHTLINE_")) {
                merged.put(fromFile.keyForEnv(name), value);
            }
        });
        return new Config(merged);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (!node.isNull()) {
            out.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }

    /** {@code SIGHTLINE_FETCH_ALLOW_PRIVATE_ADDRESSES} → {@code fetch.allow_private_addresses}. */
    private String keyForEnv(String envName) {
        String tail = envName.substring("SIGHTLINE_".length()).toLowerCase(Locale.ROOT);
        for (String known : KNOWN_KEYS) {
            if (known.replace('.', '_').equals(tail)) return known;
        }
        for (String key : values.keySet()) {
            if (key.replace('.', '_').equals(tail)) return key;
        }
        int firstUnderscore = tail.indexOf('_');
        return firstUnderscore < 0 ? tail : tail.substring(0, firstUnderscore) + "." + tail.substring(firstUnderscore + 1);
    }

    /** Keys whose names contain underscores, so their environment form can be mapped back unambiguously. */
    private static final String[] KNOWN_KEYS = {
            "http.host", "http.port", "http.secure_cookies", "http.forwarded_for", "http.public_url", "data.dir", "db.url", "db.user", "db.password", "db.pool_size",
            "fetch.allow_private_addresses", "fetch.timeout_ms", "fetch.max_redirects",
            "media.max_bytes", "media.max_pixels", "decode.concurrency",
            "lists.public_url", "lists.page_size", "lists.max_document_bytes", "lists.fetch_timeout_ms",
            "lists.retro_days", "lists.flood_max_per_hour", "lists.sync_interval_s", "lists.flood_check_s",
    };

    public Config with(String key, Object value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, String.valueOf(value));
        return new Config(copy);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public int integer(String key, int fallback) {
        return (int) longValue(key, fallback);
    }

    public long longValue(String key, long fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, got '" + v + "'");
        }
    }

    public boolean bool(String key, boolean fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key + " must be true or false, got '" + v + "'");
        };
    }

    // Typed accessors for the settings every part of Sightline shares.

    public Path dataDir() {
        return Path.of(string("data.dir", "data"));
    }

    public String httpHost() {
        return string("http.host", "127.0.0.1");
    }

    public int httpPort() {
        return integer("http.port", 8080);
    }

    /** The address instances and browsers reach this server on (for webhook, callback and invitation links). */
    public String publicUrl() {
        String url = string("http.public_url", "http://" + httpHost() + ":" + httpPort());
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public long maxMediaBytes() {
        return longValue("media.max_bytes", 20L * 1024 * 1024);
    }

    public long maxPixels() {
        return longValue("media.max_pixels", 50_000_000L);
    }

    public int decodeConcurrency() {
        return Math.max(1, integer("decode.concurrency", Runtime.getRuntime().availableProcessors()));
    }
}
