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
import java.util.Set;

/**
 * Sightline's configuration: an optional YAML file, overridden by environment variables.
 * A key path such as {@code http.port} is overridden by {@code SIGHTLINE_HTTP_PORT}.
 * Immutable: build a new one (e.g. {@link #with}) instead of changing it, so two servers
 * in one JVM never share settings. Which keys exist is declared by the features ({@link Setting}); a
 * {@link KnownKeys} built from those declarations reports the keys nobody reads.
 */
public final class Config {
    private static final String ENV_PREFIX = "SIGHTLINE_";

    /** From the YAML file and {@link #with}. */
    private final Map<String, String> values;
    /** The {@code SIGHTLINE_*} variables, by variable name: looked up by key, so keys with underscores need no mapping back. */
    private final Map<String, String> env;

    private Config(Map<String, String> values, Map<String, String> env) {
        this.values = Map.copyOf(values);
        this.env = Map.copyOf(env);
    }

    public static Config defaults() {
        return new Config(Map.of(), Map.of());
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
        Map<String, String> ours = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) ours.put(name, value);
        });
        return new Config(flat, ours);
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

    /** {@code fetch.allow_private_addresses} → {@code SIGHTLINE_FETCH_ALLOW_PRIVATE_ADDRESSES}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The keys set in the YAML file (or with {@link #with}); never their values, which may be secrets. */
    public Set<String> fileKeys() {
        return values.keySet();
    }

    /** The {@code SIGHTLINE_*} environment variables present. */
    public Set<String> envNames() {
        return env.keySet();
    }

    public Config with(String key, Object value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, String.valueOf(value));
        Map<String, String> envCopy = new LinkedHashMap<>(env);
        envCopy.remove(envName(key)); // the value given here wins, as it did over the environment
        return new Config(copy, envCopy);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(raw(key));
    }

    private String raw(String key) {
        String fromEnv = env.get(envName(key));
        return fromEnv != null ? fromEnv : values.get(key);
    }

    public String string(String key, String fallback) {
        String v = raw(key);
        return v != null ? v : fallback;
    }

    public int integer(String key, int fallback) {
        return (int) longValue(key, fallback);
    }

    public long longValue(String key, long fallback) {
        String v = raw(key);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, got '" + v + "'");
        }
    }

    public boolean bool(String key, boolean fallback) {
        String v = raw(key);
        if (v == null) return fallback;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key + " must be true or false, got '" + v + "'");
        };
    }

    // Typed accessors for the settings every part of Sightline shares (declared in SharedSettings).

    public Path dataDir() {
        return Path.of(SharedSettings.DATA_DIR.from(this));
    }

    public String httpHost() {
        return SharedSettings.HTTP_HOST.from(this);
    }

    public int httpPort() {
        return SharedSettings.HTTP_PORT.from(this);
    }

    /** The address instances and browsers reach this server on (for webhook, callback and invitation links). */
    public String publicUrl() {
        String url = SharedSettings.PUBLIC_URL.from(this).orElse("http://" + httpHost() + ":" + httpPort());
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public long maxMediaBytes() {
        return SharedSettings.MAX_MEDIA_BYTES.from(this);
    }

    public long maxPixels() {
        return SharedSettings.MAX_PIXELS.from(this);
    }

    public int decodeConcurrency() {
        return Math.max(1, SharedSettings.DECODE_CONCURRENCY.from(this));
    }
}
