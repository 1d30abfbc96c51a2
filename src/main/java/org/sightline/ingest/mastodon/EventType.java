package org.sightline.ingest.mastodon;

/** The Mastodon webhook events Sightline acts on; every other event is acknowledged and ignored. */
public enum EventType {
    STATUS_CREATED("status.created"),
    STATUS_UPDATED("status.updated"),
    REPORT_CREATED("report.created");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the webhook's {@code event} field. */
    public String wireName() {
        return wireName;
    }

    /** The type for a wire name, or {@code null} for an event Sightline does not handle. */
    public static EventType fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) return type;
        }
        return null;
    }
}
