package org.sightline.ingest.post;

import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.WireName;

import java.util.Locale;

/**
 * Who could see a post, in Mastodon's words. Misskey's are mapped: {@code home} is listed on the author's page but
 * kept off the public timelines (Mastodon's unlisted), {@code followers} is private, {@code specified} is direct.
 */
public enum Visibility implements WireName {
    PUBLIC("public"),
    UNLISTED("unlisted"),
    PRIVATE("private"),
    DIRECT("direct");

    private final String wireName;

    Visibility(String wireName) {
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

    /** Mastodon's {@code visibility}; null for anything else (Mastodon forks add e.g. {@code local}: not known). */
    public static Visibility mastodon(String value) {
        return value == null ? null : WireName.find(Visibility.class, value.trim().toLowerCase(Locale.ROOT)).orElse(null);
    }

    /** Misskey's note {@code visibility}; null for anything else. */
    public static Visibility misskey(String value) {
        if (value == null) return null;
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "public" -> PUBLIC;
            case "home" -> UNLISTED;
            case "followers" -> PRIVATE;
            case "specified" -> DIRECT;
            default -> null;
        };
    }
}
