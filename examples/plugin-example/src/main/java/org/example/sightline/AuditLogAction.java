package org.example.sightline;

import org.sightline.actions.Action;
import org.sightline.actions.ActionContext;
import org.sightline.actions.ActionOutcome;
import org.sightline.actions.ConfigField;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal Sightline action plugin: appends one line per decision to a file. Build it into a jar with its
 * {@code META-INF/services/org.sightline.actions.Action} file and drop the jar into {@code plugins/} beside
 * the data directory; set {@code plugins.example_file_log.path} to enable it.
 */
public final class AuditLogAction implements Action {
    @Override
    public String name() {
        return "example_file_log";
    }

    @Override
    public Set<String> handles() {
        return Set.of("webhook", "report", "mark_sensitive");
    }

    @Override
    public Set<String> instanceKinds() {
        return Set.of("generic");
    }

    @Override
    public List<ConfigField> configSchema() {
        return List.of(new ConfigField("path", "file the decisions are appended to", false, null));
    }

    @Override
    public boolean enabled(Map<String, String> config) {
        return config.get("path") != null;
    }

    @Override
    public ActionOutcome execute(ActionContext c) throws IOException {
        String line = c.action() + " media=" + c.media().id() + " labels=" + String.join(",", c.media().labels()) + "\n";
        Files.writeString(Path.of(c.config().get("path")), line, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return ActionOutcome.done(null, "logged to " + c.config().get("path"));
    }
}
