package org.sightline.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key some feature declared, gathered by the composition root: what the configuration may contain.
 * A key nobody reads is almost always a typo that would silently leave a default in force, so
 * {@link #unknownKeys} names it with the closest known key (never with its value: values may be secrets).
 */
public final class KnownKeys {
    private final Map<String, Setting<?>> byName;
    /** Prefixes whose keys are declared elsewhere at run time, e.g. {@code plugins.} for plugin settings. */
    private final List<String> openPrefixes;

    public KnownKeys(List<Setting<?>> settings, List<String> openPrefixes) {
        Map<String, Setting<?>> map = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            if (map.put(s.name(), s) != null) throw new IllegalArgumentException("key declared twice: " + s.name());
        }
        this.byName = java.util.Collections.unmodifiableMap(map);
        this.openPrefixes = List.copyOf(openPrefixes);
    }

    public List<Setting<?>> settings() {
        return List.copyOf(byName.values());
    }

    public boolean known(String key) {
        if (byName.containsKey(key)) return true;
        for (String prefix : openPrefixes) {
            // plugins.<name>.<field>: at least two parts after the prefix, so plugins.refresh_mss is still a typo
            if (key.startsWith(prefix) && key.indexOf('.', prefix.length()) > prefix.length()) return true;
        }
        return false;
    }

    private boolean knownEnv(String envName) {
        for (String key : byName.keySet()) {
            if (Config.envName(key).equals(envName)) return true;
        }
        // SIGHTLINE_PLUGINS_WEBHOOK_URL: where the plugin name ends cannot be told, so any such name may be one
        for (String prefix : openPrefixes) {
            String envPrefix = Config.envName(prefix.substring(0, prefix.length() - 1)) + "_";
            if (envName.startsWith(envPrefix) && envName.length() > envPrefix.length()) return true;
        }
        return false;
    }

    /**
     * The keys in the configuration file and the {@code SIGHTLINE_*} variables that no feature reads, each as
     * one sentence with the closest known key.
     */
    public List<String> unknownKeys(Config config) {
        List<String> problems = new ArrayList<>();
        for (String key : config.fileKeys().stream().sorted().toList()) {
            if (known(key)) continue;
            problems.add("unknown configuration key " + key + " is ignored; did you mean " + closest(key) + "?");
        }
        for (String name : config.envNames().stream().sorted().toList()) {
            if (knownEnv(name)) continue;
            String key = closest(name.substring("SIGHTLINE_".length()).toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '.'));
            problems.add("unknown environment variable " + name + " is ignored; did you mean " + Config.envName(key)
                    + " (" + key + ")?");
        }
        return problems;
    }

    /** The declared key nearest to {@code key} by edit distance (dots and underscores compared alike). */
    public String closest(String key) {
        String plain = key.replace('_', '.');
        return byName.keySet().stream()
                .min(Comparator.comparingInt((String k) -> distance(plain, k.replace('_', '.'))).thenComparing(k -> k))
                .orElseThrow();
    }

    /** The README's table of keys, one row per declaration, so the documentation cannot drift from the code. */
    public String markdownTable() {
        StringBuilder out = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (Setting<?> s : byName.values()) {
            String fallback = s.defaultText() == null ? "—"
                    : s.literalDefault() ? "`" + s.defaultText() + "`" : s.defaultText().replace("|", "\\|");
            out.append("| `").append(s.name()).append("` | ").append(fallback).append(" | ")
                    .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    /**
     * An example configuration file: every declared key under its section, commented out with its default, after
     * a one-line explanation. Uncommenting nothing changes nothing; {@code examples/sightline.yaml} is this text.
     */
    public String exampleYaml() {
        StringBuilder out = new StringBuilder()
                .append("# Sightline configuration: every key, with its default and what it does.\n")
                .append("# All keys are commented out, so this file as it stands changes nothing: uncomment what you change.\n")
                .append("# Any key may also be set in the environment: http.port -> SIGHTLINE_HTTP_PORT.\n")
                .append("# Use it with: java -jar target/sightline.jar serve --config sightline.yaml\n")
                .append("# Generated from the declarations in the code (KnownKeys.exampleYaml); a test keeps it in step.\n");
        Map<String, List<Setting<?>>> sections = new LinkedHashMap<>();
        for (Setting<?> s : byName.values()) {
            sections.computeIfAbsent(s.name().substring(0, s.name().indexOf('.')), k -> new ArrayList<>()).add(s);
        }
        for (Map.Entry<String, List<Setting<?>>> section : sections.entrySet()) {
            out.append('\n').append(section.getKey()).append(":\n");
            for (Setting<?> s : section.getValue()) {
                String key = s.name().substring(section.getKey().length() + 1);
                String meaning = s.description().replaceAll("\\s+", " ").trim();
                out.append("  # ").append(meaning);
                if (s.defaultText() == null) {
                    out.append(" (no default)\n  # ").append(key).append(":\n");
                } else if (s.literalDefault()) {
                    out.append("\n  # ").append(key).append(": ").append(yamlScalar(s.defaultText())).append('\n');
                } else {
                    out.append(" (default: ").append(s.defaultText().replaceAll("\\s+", " ")).append(")\n  # ")
                            .append(key).append(":\n");
                }
            }
        }
        return out.toString();
    }

    /** A default as YAML writes it: quoted unless it is a plain word, number or path. */
    private static String yamlScalar(String value) {
        if (value.matches("[A-Za-z0-9_./:-]+") && !value.startsWith("-") && !value.endsWith(":")) return value;
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
