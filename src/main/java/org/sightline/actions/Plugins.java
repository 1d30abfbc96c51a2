package org.sightline.actions;

import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * settings are read from the configuration under {@code plugins.<name>.<field>}.
 */
public final class Plugins {
    private static final Logger log = LoggerFactory.getLogger(Plugins.class);

    private final List<Action> actions;
    private final List<Scanner> scanners;
    private final Map<String, Map<String, String>> settings = new HashMap<>();

    public Plugins(List<Action> actions, List<Scanner> scanners, Config config) {
        this.actions = List.copyOf(actions);
        this.scanners = List.copyOf(scanners);
        for (Action a : actions) settings.put(a.name(), read(config, a.name(), a.configSchema()));
        for (Scanner s : scanners) settings.put(s.name(), read(config, s.name(), s.configSchema()));
    }

    /**
     * Discovers the plugins on the class path and in {@code pluginDir} (if it exists), after {@code builtIn}
     * (actions that need the server's own parts, such as quarantine, and cannot be made by ServiceLoader).
     */
    public static Plugins load(Config config, Path pluginDir, List<Action> builtIn) {
        ClassLoader loader = loader(pluginDir);
        List<Action> actions = new ArrayList<>(builtIn);
        ServiceLoader.load(Action.class, loader).forEach(actions::add);
        List<Scanner> scanners = new ArrayList<>();
        ServiceLoader.load(Scanner.class, loader).forEach(scanners::add);
        log.info("event=plugins_loaded actions={} scanners={}", actions.stream().map(Action::name).toList(),
                scanners.stream().map(Scanner::name).toList());
        return new Plugins(actions, scanners, config);
    }

    /** The default plugin directory: {@code plugins/} beside the data directory. */
    public static Path defaultDirectory(Config config) {
        return config.get("plugins.dir").map(Path::of)
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
            // plugins.webhook.url in YAML; SIGHTLINE_PLUGINS_WEBHOOK_URL arrives as plugins.webhook_url
            Optional<String> v = config.get("plugins." + plugin + "." + f.name())
                    .or(() -> config.get("plugins." + plugin + "_" + f.name()));
            String value = v.orElse(f.defaultValue());
            if (value != null) values.put(f.name(), value);
        }
        return Map.copyOf(values);
    }

    public List<Action> actions() {
        return actions;
    }

    public List<Scanner> scanners() {
        return scanners;
    }

    public Map<String, String> settings(String plugin) {
        return settings.getOrDefault(plugin, Map.of());
    }

    /**
     * The action to carry out {@code action} for an instance of {@code kind} (null: no instance): an enabled
     * plugin made for that kind first, then an enabled one for any kind (such as the outbound webhook).
     */
    public Optional<Action> actionFor(String action, String kind) {
        Optional<Action> specific = actions.stream()
                .filter(a -> a.handles().contains(action) && kind != null && a.instanceKinds().contains(kind))
                .filter(a -> a.enabled(settings(a.name()))).findFirst();
        return specific.or(() -> actions.stream()
                .filter(a -> a.handles().contains(action) && a.instanceKinds().isEmpty())
                .filter(a -> a.enabled(settings(a.name()))).findFirst());
    }

    /** The scanners whose settings enable them for media of an instance of {@code kind}. */
    public List<Scanner> scannersFor(String kind) {
        return scanners.stream()
                .filter(s -> s.instanceKinds().isEmpty() || kind != null && s.instanceKinds().contains(kind))
                .filter(s -> s.enabled(settings(s.name()))).toList();
    }

    /** What the settings page shows: each plugin's fields with secret values masked. */
    public Map<String, Map<String, String>> describe() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        List<Object> all = new ArrayList<>(actions);
        all.addAll(scanners);
        for (Object p : all) {
            String name = p instanceof Action a ? a.name() : ((Scanner) p).name();
            List<ConfigField> schema = p instanceof Action a ? a.configSchema() : ((Scanner) p).configSchema();
            Map<String, String> fields = new LinkedHashMap<>();
            for (ConfigField f : schema) {
                String v = settings(name).get(f.name());
                fields.put(f.name(), v == null ? "" : f.secret() ? "••••••" : v);
            }
            out.put(name, fields);
        }
        return out;
    }
}
