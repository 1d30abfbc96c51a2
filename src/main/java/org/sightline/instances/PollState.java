package org.sightline.instances;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the panel and API show about an instance's polling. */
public record PollState(String cursorId, Instant polledAt, long filesQueued, String lastError, Instant errorAt) {
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("polled_at", polledAt == null ? null : polledAt.toString());
        json.put("files_queued", filesQueued);
        json.put("last_error", lastError);
        json.put("error_at", errorAt == null ? null : errorAt.toString());
        return json;
    }
}
