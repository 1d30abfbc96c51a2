package org.sightline.actions;

import java.util.Map;

/**
 * What an action needs to carry out one request: the request ({@code action} and free {@code params}, e.g.
 * {@code type=suspend} for an account action), the media and its evidence, the instance (null for media
 * from the scan API without one), and the plugin's own settings.
 */
public record ActionContext(long requestId, String action, Map<String, String> params, String requestedBy,
                            PluginMedia media, PluginInstance instance, Map<String, String> config) {
}
