package org.sightline.instances;

import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.WireName;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the panel and API show about following an instance's timelines.
 *
 * @param state         what the follower is doing now
 * @param lastStatusId  the newest status read, where the next catch-up starts
 * @param lastEventAt   when the stream or the timeline last gave a status (or a heartbeat)
 * @param statusesSeen  statuses read, by any way
 * @param mediaQueued   media queued for scanning from them
 * @param reconnects    times the stream was connected again
 * @param lastError     what went wrong last, safe to show (never a token or a body)
 */
public record FollowState(Phase state, String lastStatusId, Instant lastEventAt, long statusesSeen, long mediaQueued,
                          long reconnects, String lastError, Instant errorAt) {

    /** The follower's phases. */
    public enum Phase implements WireName {
        FOLLOWING("following"),
        CATCHING_UP("catching_up"),
        BACKING_OFF("backing_off"),
        STOPPED("stopped");

        private final String wireName;

        Phase(String wireName) {
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
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", state.wireName());
        json.put("last_status_id", lastStatusId);
        json.put("last_event_at", lastEventAt == null ? null : lastEventAt.toString());
        json.put("statuses_seen", statusesSeen);
        json.put("media_queued", mediaQueued);
        json.put("reconnects", reconnects);
        json.put("last_error", lastError);
        json.put("error_at", errorAt == null ? null : errorAt.toString());
        return json;
    }
}
