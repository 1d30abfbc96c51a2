package org.sightline.instances;

import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.Refusal;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The kind of a connected server: which API and events Sightline speaks with it. */
public enum InstanceKind {
    MASTODON("mastodon"),
    MISSKEY("misskey"),
    PLEROMA("pleroma"),
    PICTRS("pictrs"),
    GENERIC("generic");

    private final String wireName;

    InstanceKind(String wireName) {
        this.wireName = wireName;
    }

    /** The word stored, shown in JSON and printed by templates. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }

    /** Whether the server calls Sightline's webhook (signed with the instance's webhook secret). */
    public boolean sendsWebhooks() {
        return this == MASTODON || this == PICTRS;
    }

    /** The allowed wire names, comma-separated, in declaration order. */
    public static String allowed() {
        return Arrays.stream(values()).map(InstanceKind::wireName).collect(Collectors.joining(", "));
    }

    /** Parses an API or form value exactly; refuses anything else, naming the allowed values. */
    public static InstanceKind parse(String value) {
        for (InstanceKind k : values()) {
            if (k.wireName.equals(value)) return k;
        }
        throw Refusal.invalid("kind must be one of " + allowed());
    }
}
