package org.sightline.actions;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every plugin, {@link Action} or {@link Scanner}, declares: its name, the instance kinds it supports and
 * its settings. Settings come from the configuration ({@code plugins.<name>.<field>}) and can be changed by an
 * admin on the settings page; {@link #checkSettings} lets a plugin refuse values before they are saved.
 */
public interface Plugin {
    /** Unique name, also the prefix of its settings ({@code plugins.<name>.*}). */
    String name();

    /** The instance kinds it supports; empty: any instance, and media without one. */
    Set<String> instanceKinds();

    List<ConfigField> configSchema();

    /** Whether its settings let it run (e.g. a URL is configured). */
    default boolean enabled(Map<String, String> config) {
        return true;
    }

    /**
     * Problems with settings an admin is about to save, beyond each field's own type (which is checked for
     * every plugin), as sentences an admin can act on; empty when they are fine.
     */
    default List<String> checkSettings(Map<String, String> settings) {
        return List.of();
    }
}
