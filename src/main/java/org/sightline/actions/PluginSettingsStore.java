package org.sightline.actions;

import org.sightline.store.Sql;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.audit.AuditLog;
import org.sightline.config.SecretBox;
import org.sightline.config.SecretBoxException;
import org.sightline.common.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The plugin settings admins changed on the settings page, kept in the database so that every node of a
 * shared PostgreSQL sees them. Secret values are sealed ({@link SecretBox}, bound to plugin and field).
 * Readers get a snapshot reloaded at most every {@code refresh} (and at once after a change on this node), so
 * the hot path (which scanners apply to a media item) does not query the database.
 */
public final class PluginSettingsStore {
    private static final Logger log = LoggerFactory.getLogger(PluginSettingsStore.class);

    /** One stored value, opened; {@code value} is null when it could not be opened (sealed with another key). */
    public record Stored(String value, String updatedBy, Instant updatedAt) {
    }

    /**
     * A change to one field: a new value ("" = unset), or null to go back to the configuration;
     * {@code auditText} is what the audit log keeps of it (never a secret).
     */
    public record Change(String field, String value, boolean secret, String auditText) {
    }

    public record Row(String plugin, String field, String settingValue, boolean sealed, String updatedBy, Instant updatedAt) {
    }

    public interface Dao {
        @SqlQuery("SELECT plugin, field, setting_value, sealed, updated_by, updated_at FROM plugin_settings")
        @RegisterConstructorMapper(Row.class)
        List<Row> all();

        @SqlUpdate("DELETE FROM plugin_settings WHERE plugin = :plugin AND field = :field")
        int delete(@Bind("plugin") String plugin, @Bind("field") String field);

        @SqlUpdate("INSERT INTO plugin_settings (plugin, field, setting_value, sealed, updated_by, updated_at)"
                + " VALUES (:plugin, :field, :value, :sealed, :by, :at)")
        void insert(@Bind("plugin") String plugin, @Bind("field") String field, @Bind("value") String value,
                    @Bind("sealed") boolean sealed, @Bind("by") String by, @Bind("at") Instant at);
    }

    private record Snapshot(Map<String, Map<String, Stored>> byPlugin, Instant loadedAt) {
    }

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration refresh;
    private volatile Snapshot snapshot;

    public PluginSettingsStore(Jdbi jdbi, SecretBox secrets, AuditLog audit, Clock clock, Duration refresh) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
        this.refresh = refresh;
    }

    /** The stored values of one plugin by field (possibly a few seconds old when another node changed them). */
    public Map<String, Stored> stored(String plugin) {
        Snapshot s = snapshot;
        if (stale(s)) s = reloadIfStale();
        return s.byPlugin().getOrDefault(plugin, Map.of());
    }

    private boolean stale(Snapshot s) {
        return s == null || clock.instant().isAfter(s.loadedAt().plus(refresh));
    }

    /** One thread reloads; the others waiting here then find it fresh. */
    private synchronized Snapshot reloadIfStale() {
        Snapshot s = snapshot;
        if (!stale(s)) return s;
        try {
            return reload();
        } catch (RuntimeException e) {
            if (s == null) throw e;
            // the database is away for a moment: keep deciding on the last settings rather than fail each scan
            log.warn("event=plugin_settings_reload_failed error={}", e.getClass().getSimpleName());
            snapshot = new Snapshot(s.byPlugin(), clock.instant());
            return snapshot;
        }
    }

    /** Reads the stored settings now (before deciding on a change). */
    public void refresh() {
        reload();
    }

    private synchronized Snapshot reload() {
        Map<String, Map<String, Stored>> byPlugin = new HashMap<>();
        for (Row r : jdbi.withExtension(Dao.class, Dao::all)) {
            String value;
            try {
                value = r.sealed() ? secrets.open(r.settingValue(), context(r.plugin(), r.field())) : r.settingValue();
            } catch (SecretBoxException e) {
                // one unreadable secret must not stop every plugin: the plugin sees it unset (not the configured
                // value), the settings page says to enter it again, the admin gets a log line
                log.error("event=plugin_setting_unreadable plugin={} field={} reason=\"{}\"", r.plugin(), r.field(),
                        e.getMessage());
                value = null;
            }
            byPlugin.computeIfAbsent(r.plugin(), p -> new HashMap<>())
                    .put(r.field(), new Stored(value, r.updatedBy(), r.updatedAt()));
        }
        Snapshot s = new Snapshot(byPlugin, clock.instant());
        snapshot = s;
        return s;
    }

    /**
     * Applies the changes to one plugin in one transaction with their audit event (which names the fields
     * and the new values of non-secret ones, never a secret).
     */
    public void apply(String plugin, List<Change> changes, String by) {
        if (changes.isEmpty()) return;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        StringJoiner detail = new StringJoiner("; ");
        try {
            jdbi.useTransaction(h -> {
                Dao dao = h.attach(Dao.class);
                for (Change c : changes) {
                    dao.delete(plugin, c.field());
                    detail.add(c.auditText());
                    if (c.value() == null) continue;
                    boolean seal = c.secret() && !c.value().isEmpty();
                    dao.insert(plugin, c.field(), seal ? secrets.seal(c.value(), context(plugin, c.field())) : c.value(),
                            seal, by, now);
                }
                audit.append(h, by, "plugin_settings", "plugin:" + plugin, detail.toString());
            });
        } catch (UnableToExecuteStatementException e) {
            // two admins saved the same field at once: the other one's value stands
            if (Sql.isUniqueViolation(e)) {
                throw Refusal.conflict("another admin saved " + plugin + " at the same moment; reload and try again");
            }
            throw e;
        }
        reload();
    }

    private static String context(String plugin, String field) {
        return "plugin:" + plugin + ":" + field;
    }
}
