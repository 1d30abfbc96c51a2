package org.sightline.store;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.util.List;
import java.util.Optional;

/** Where the database is and how many connections to it are pooled. */
public record DbSettings(Optional<String> url, String user, String password, int poolSize) {

    public static final Setting<Optional<String>> URL = Setting.optional("db.url", "H2 in data.dir",
            "e.g. jdbc:postgresql://127.0.0.1:5432/sightline");
    public static final Setting<String> USER = Setting.string("db.user", null, "database user");
    public static final Setting<String> PASSWORD = Setting.string("db.password", null, "database password");
    public static final Setting<Integer> POOL_SIZE = Setting.integer("db.pool_size", 8,
            "connections pooled on this node");
    public static final List<Setting<?>> KEYS = List.of(URL, USER, PASSWORD, POOL_SIZE);

    public static DbSettings from(Config config) {
        return new DbSettings(URL.from(config), USER.from(config), PASSWORD.from(config), POOL_SIZE.from(config));
    }

    /** Never the password: settings end up in logs. */
    @Override
    public String toString() {
        return "DbSettings[url=" + url.orElse("(H2 in data.dir)") + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
}
