package org.sightline.instances;

import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.WireName;

/**
 * Which public timelines of a Mastodon-API instance Sightline follows, besides its webhooks: {@code none} (the
 * webhooks only), {@code local} (posts written there), {@code remote} (posts federated to it, which sit in its
 * media cache) or {@code all}.
 */
public enum Watch implements WireName {
    NONE("none"),
    LOCAL("local"),
    REMOTE("remote"),
    ALL("all");

    private final String wireName;

    Watch(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    @Override
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }

    /** Parses an API, form or command-line value; refuses anything else, naming the allowed values. */
    public static Watch parse(String value) {
        return WireName.parse(Watch.class, "watch", value);
    }
}
