package org.sightline.actions;

import org.sightline.ingest.Scanners;
import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.common.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * The actions and scanners this server has: the built-in ones and those in {@code *.jar} files of the
 * {@code plugins/} directory beside the data directory, all found with {@link ServiceLoader}. Each plugin's
 * settings are read from the configuration under {@code plugins.<name>.<field>}; an admin's changes on the
 * settings page ({@link PluginSettingsStore}) override them. Every plugin also has an on/off switch
 * ({@code plugins.<name>.enabled}, default on).
 */
public final class Plugins implements Scanners {
    private static final Logger log = LoggerFactory.getLogger(Plugins.class);
    /** The switch every plugin has besides its own fields. */
    public static final String SWITCH = "enabled";
    private static final int MAX_VALUE_CHARS = 2000;

    private final List<Action> actions;
    private final List<Scanner> scanners;
    private final Map<String, Plugin> byName = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> configured = new HashMap<>();
    private final Map<String, Boolean> configuredSwitch = new HashMap<>();
    private final PluginSettingsStore store;

    public Plugins(List<Action> actions, List<Scanner> scanners, Config config, PluginSettingsStore store) {
        this.actions = List.copyOf(actions);
        this.scanners = List.copyOf(scanners);
        this.store = store;
        List<Plugin> all = new ArrayList<>(actions);
        all.addAll(scanners);
        for (Plugin p : all) {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new ConfigException("two plugins are named '" + p.name() + "'");
            }
            if (p.configSchema().stream().anyMatch(f -> f.name().equals(SWITCH))) {
                throw new ConfigException("plugin '" + p.name() + "' has a setting named '" + SWITCH
                        + "', which is every plugin's on/off switch");
            }
            configured.put(p.name(), read(config, p.name(), p.configSchema()));
            configuredSwitch.put(p.name(), configValue(config, p.name(), SWITCH).map(v -> onOff(p.name(), v)).orElse(true));
        }
    }

    /**
     * Discovers the plugins on the class path and in {@code pluginDir} (if it exists), after {@code builtIn}
     * (actions that need the server's own parts, such as quarantine, and cannot be made by ServiceLoader).
     */
    public static Plugins load(Config config, Path pluginDir, List<Action> builtIn, PluginSettingsStore store) {
        ClassLoader loader = loader(pluginDir);
        List<Action> actions = new ArrayList<>(builtIn);
        ServiceLoader.load(Action.class, loader).forEach(actions::add);
        List<Scanner> scanners = new ArrayList<>();
        ServiceLoader.load(Scanner.class, loader).forEach(scanners::add);
        log.info("event=plugins_loaded actions={} scanners={}", actions.stream().map(Action::name).toList(),
                scanners.stream().map(Scanner::name).toList());
        return new Plugins(actions, scanners, config, store);
    }

    /** The default plugin directory: {@code plugins/} beside the data directory. */
    public static Path defaultDirectory(Config config) {
        return ActionSettings.PLUGINS_DIR.from(config).map(Path::of)
                .orElse(config.dataDir().toAbsolutePath().normalize().resolveSibling("plugins"));
    }

    private static ClassLoader loader(Path dir) {
        ClassLoader parent = Plugins.class.getClassLoader();
        if (dir == null || !Files.isDirectory(dir)) return parent;
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) jars.add(p.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new ConfigException("bad plugin path: " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException("cannot read plugin directory " + dir + ": " + e.getMessage());
        }
        return jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
    }

    private static Map<String, String> read(Config config, String plugin, List<ConfigField> schema) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigField f : schema) {
            String value = configValue(config, plugin, f.name()).orElse(f.defaultValue());
            if (value != null) values.put(f.name(), value);
        }
        return Map.copyOf(values);
    }

    private static boolean onOff(String plugin, String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException("plugins." + plugin + "." + SWITCH + " must be true or false, got '"
                    + value + "'");
        };
    }

    /** plugins.webhook.url in YAML; SIGHTLINE_PLUGINS_WEBHOOK_URL arrives as plugins.webhook_url. */
    private static Optional<String> configValue(Config config, String plugin, String field) {
        return config.get("plugins." + plugin + "." + field).or(() -> config.get("plugins." + plugin + "_" + field));
    }

    public List<Action> actions() {
        return actions;
    }

    public List<Scanner> scanners() {
        return scanners;
    }

    /** A plugin's settings now: the configuration with the settings page's changes on top (unset fields absent). */
    public Map<String, String> settings(String plugin) {
        Map<String, String> values = new HashMap<>(configured.getOrDefault(plugin, Map.of()));
        store.stored(plugin).forEach((field, stored) -> {
            if (field.equals(SWITCH)) return;
            if (stored.value() == null || stored.value().isEmpty()) values.remove(field);
            else values.put(field, stored.value());
        });
        return Map.copyOf(values);
    }

    /** Whether the plugin is switched on (settings page first, then {@code plugins.<name>.enabled}). */
    public boolean switchedOn(String plugin) {
        PluginSettingsStore.Stored stored = store.stored(plugin).get(SWITCH);
        return stored != null ? Boolean.parseBoolean(stored.value()) : configuredSwitch.getOrDefault(plugin, false);
    }

    /** Switched on and its settings let it run. */
    private boolean usable(Plugin p) {
        return switchedOn(p.name()) && p.enabled(settings(p.name()));
    }

    /**
     * The action to carry out {@code action} for an instance of {@code kind} (null: no instance): an enabled
     * plugin made for that kind first, then an enabled one for any kind (such as the outbound webhook).
     */
    public Optional<Action> actionFor(String action, String kind) {
        Optional<Action> specific = actions.stream()
                .filter(a -> a.handles().contains(action) && kind != null && a.instanceKinds().contains(kind))
                .filter(this::usable).findFirst();
        return specific.or(() -> actions.stream()
                .filter(a -> a.handles().contains(action) && a.instanceKinds().isEmpty())
                .filter(this::usable).findFirst());
    }

    /** The scanners whose settings enable them for media of an instance of {@code kind}. */
    /** The usable scanners for an instance kind, each with its current settings and threshold applied. */
    @Override
    public List<Scanners.Configured> forInstanceKind(String instanceKind) {
        return scannersFor(instanceKind).stream().map(scanner -> {
            Map<String, String> settings = settings(scanner.name());
            double threshold = Double.parseDouble(settings.getOrDefault("threshold", "0.8"));
            return new Scanners.Configured(scanner.name(), threshold,
                    (bytes, mediaType, url) -> scanner.scan(bytes, mediaType, url, settings));
        }).toList();
    }

    public List<Scanner> scannersFor(String kind) {
        return scanners.stream()
                .filter(s -> s.instanceKinds().isEmpty() || kind != null && s.instanceKinds().contains(kind))
                .filter(this::usable).toList();
    }

    /** One field as the settings page shows it; {@code value} of a set secret is masked. */
    public record FieldView(String name, String description, String type, boolean secret, String value,
                            String source, String updatedBy, String updatedAt) {
    }

    /**
     * One plugin as the settings page shows it. {@code ready}: its settings let it run (e.g. its URL is set);
     * it acts only when also switched {@code on}.
     */
    public record PluginView(String name, String kind, List<String> handles, List<String> instanceKinds, boolean on,
                             boolean ready, List<FieldView> fields) {
    }

    /** What the settings page and {@code GET /api/v1/plugins} show: every plugin, secret values masked. */
    public List<PluginView> describe() {
        List<PluginView> out = new ArrayList<>();
        for (Plugin p : byName.values()) {
            Map<String, PluginSettingsStore.Stored> stored = store.stored(p.name());
            Map<String, String> fromConfig = configured.getOrDefault(p.name(), Map.of());
            Map<String, String> now = settings(p.name());
            List<FieldView> fields = new ArrayList<>();
            for (ConfigField f : p.configSchema()) {
                PluginSettingsStore.Stored s = stored.get(f.name());
                String value = now.get(f.name());
                String configuredValue = fromConfig.get(f.name());
                String source = s != null && s.value() == null ? "unreadable: enter it again"
                        : s != null ? "settings page" : configuredValue == null ? "unset"
                        : configuredValue.equals(f.defaultValue()) ? "default" : "configuration";
                fields.add(new FieldView(f.name(), f.description(), f.type().name().toLowerCase(), f.secret(),
                        value == null ? "" : f.secret() ? "••••••" : value, source,
                        s == null ? null : s.updatedBy(),
                        s == null ? null : s.updatedAt().truncatedTo(ChronoUnit.SECONDS).toString()));
            }
            List<String> handles = p instanceof Action a ? a.handles().stream().sorted().toList() : List.of("scan");
            out.add(new PluginView(p.name(), p instanceof Action ? "action" : "scanner", handles,
                    p.instanceKinds().stream().sorted().toList(), switchedOn(p.name()), p.enabled(now), fields));
        }
        return out;
    }

    /**
     * An admin's change to one plugin: {@code values} by field (a value, "" to unset, null to go back to the
     * configuration) and optionally the switch. Changed values are checked against their field's type and then
     * by the plugin itself on the settings as they would be (only problems the change brings count: a plugin
     * whose configuration is already wrong can still be fixed or switched off); nothing is saved unless all are
     * fine. A URL pointing elsewhere needs its plugin's secrets entered again or unset, so that a secret meant
     * for one service is never sent to another.
     *
     * @throws Refusal 404 for an unknown plugin, 400 naming every problem, 409 when another admin saved at the
     *                  same moment
     */
    public void update(String plugin, Map<String, String> values, Boolean on, String by) {
        Plugin p = byName.get(plugin);
        if (p == null) throw Refusal.notFound("no plugin '" + plugin + "'");
        Map<String, ConfigField> schema = new LinkedHashMap<>();
        p.configSchema().forEach(f -> schema.put(f.name(), f));
        store.refresh(); // decide on what the database holds now, not on a snapshot a few seconds old
        List<String> problems = new ArrayList<>();
        Map<String, String> before = settings(plugin);
        Map<String, PluginSettingsStore.Stored> stored = store.stored(plugin);
        Map<String, String> after = new HashMap<>(before);
        List<PluginSettingsStore.Change> changes = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            ConfigField f = schema.get(e.getKey());
            if (f == null) {
                problems.add(plugin + " has no setting '" + e.getKey() + "'");
                continue;
            }
            String value = e.getValue() == null ? null : e.getValue().strip();
            // the page sends every field: only real changes become overrides (a secret typed in always counts:
            // it may be the same secret confirmed for a new URL)
            boolean secretTyped = f.secret() && value != null && !value.isEmpty();
            if (value == null ? !stored.containsKey(f.name())
                    : !secretTyped && value.equals(before.getOrDefault(f.name(), ""))) {
                continue;
            }
            if (value != null && value.length() > MAX_VALUE_CHARS) {
                problems.add(f.name() + " is over " + MAX_VALUE_CHARS + " characters");
                continue;
            }
            String problem = value == null ? null : f.problem(value);
            if (problem != null) problems.add(problem);
            String effective = value != null ? value : configured.getOrDefault(plugin, Map.of()).get(f.name());
            if (effective == null || effective.isEmpty()) after.remove(f.name());
            else after.put(f.name(), effective);
            changes.add(new PluginSettingsStore.Change(f.name(), value, f.secret(), auditText(f, value)));
        }
        problems.addAll(secretsFollowingAUrl(schema, before, after, changes));
        if (problems.isEmpty() && !changes.isEmpty()) {
            List<String> introduced = new ArrayList<>(check(p, after));
            introduced.removeAll(check(p, before));
            problems.addAll(introduced);
        }
        if (!problems.isEmpty()) throw Refusal.invalid(String.join("; ", problems));
        if (on != null && on != switchedOn(plugin)) {
            changes.add(new PluginSettingsStore.Change(SWITCH, on.toString(), false, on ? "switched on" : "switched off"));
        }
        store.apply(plugin, changes, by);
        log.info("event=plugin_settings plugin={} fields={} by={}", plugin,
                changes.stream().map(PluginSettingsStore.Change::field).toList(), by);
    }

    /** The plugin's own check; one that throws on a value it cannot read is a problem, not a server error. */
    private static List<String> check(Plugin p, Map<String, String> settings) {
        try {
            return p.checkSettings(Map.copyOf(settings));
        } catch (RuntimeException e) {
            return List.of(p.name() + " cannot read its settings (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** When a URL field now points elsewhere, every secret that is set must be part of the change. */
    private static List<String> secretsFollowingAUrl(Map<String, ConfigField> schema, Map<String, String> before,
                                                     Map<String, String> after, List<PluginSettingsStore.Change> changes) {
        List<String> movedUrls = schema.values().stream().filter(f -> f.type() == ConfigField.Type.URL)
                .filter(f -> after.get(f.name()) != null && !after.get(f.name()).equals(before.get(f.name())))
                .map(ConfigField::name).toList();
        if (movedUrls.isEmpty()) return List.of();
        List<String> changed = changes.stream().map(PluginSettingsStore.Change::field).toList();
        List<String> problems = new ArrayList<>();
        for (ConfigField f : schema.values()) {
            if (f.secret() && before.get(f.name()) != null && !changed.contains(f.name())) {
                problems.add("changing " + String.join(", ", movedUrls) + " would send " + f.name()
                        + " to the new address: enter " + f.name() + " again or unset it");
            }
        }
        return problems;
    }

    /** What the audit log keeps of a change: never a secret, and of a URL only where it points (paths may hold tokens). */
    private static String auditText(ConfigField f, String value) {
        if (value == null) return f.name() + " back to configuration";
        if (value.isEmpty()) return f.name() + " unset";
        if (f.secret()) return f.name() + " set (secret)";
        if (f.type() == ConfigField.Type.URL) {
            java.net.URI uri = java.net.URI.create(value); // checked by its type already
            return f.name() + "=" + uri.getScheme() + "://" + uri.getRawAuthority().replaceAll(".*@", "") + "/…";
        }
        return f.name() + "=" + value;
    }
}
