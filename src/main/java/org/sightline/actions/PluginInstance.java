package org.sightline.actions;

/** The instance a media item came from, as plugins see it; {@code apiToken} is decrypted, never log it. */
public record PluginInstance(String name, String kind, String baseUrl, String apiToken) {
    @Override
    public String toString() {
        return "PluginInstance[" + name + ", " + kind + ", " + baseUrl + "]";
    }
}
