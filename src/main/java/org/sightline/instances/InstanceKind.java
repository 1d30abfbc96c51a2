package org.sightline.instances;

import org.sightline.common.WireName;
import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.Refusal;

/** The kind of a connected server: which API and events Sightline speaks with it. */
public enum InstanceKind implements WireName {
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
    @Override
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

    /** Whether Sightline can follow this kind's public timelines (the Mastodon client API and its streaming). */
    public boolean followable() {
        return this == MASTODON || this == PLEROMA;
    }

    /** Why a kind that cannot be followed was refused: names the kinds that can. */
    public static String onlyFollowable(String what) {
        return "only Mastodon-API instances (" + java.util.Arrays.stream(values()).filter(InstanceKind::followable)
                .map(InstanceKind::wireName).collect(java.util.stream.Collectors.joining(", ")) + ") can be " + what;
    }

    /** The allowed wire names, comma-separated, in declaration order. */
    public static String allowed() {
        return WireName.allowed(InstanceKind.class);
    }

    /** Parses an API or form value exactly; refuses anything else, naming the allowed values. */
    public static InstanceKind parse(String value) {
        return WireName.find(InstanceKind.class, value)
                .orElseThrow(() -> Refusal.invalid("kind must be one of " + allowed()));
    }
}
