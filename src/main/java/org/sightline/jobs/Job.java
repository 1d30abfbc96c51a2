package org.sightline.jobs;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One piece of long work.
 *
 * @param kind    what it does ({@code backfill}, …): which handler runs it
 * @param subject what it works on ({@code instance:social}), for the panel
 * @param params  the handler's parameters (JSON)
 * @param done    units done so far; {@code total} null while unknown
 * @param cursor  where the handler goes on from after a restart (its own format)
 */
public record Job(long id, String kind, String subject, String params, JobState state, long done, Long total,
                  String cursor, String error, String createdBy, Instant createdAt, Instant startedAt,
                  Instant finishedAt) {

    static final String COLUMNS = "id, kind, subject, params, state, done, total, cursor_value AS cursor, error,"
            + " created_by, created_at, started_at, finished_at";

    /** The API's shape ({@code GET /api/v1/jobs/{id}}). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("kind", kind);
        json.put("subject", subject);
        json.put("state", state.wireName());
        json.put("done", done);
        json.put("total", total);
        json.put("created_at", createdAt.toString());
        json.put("started_at", startedAt == null ? null : startedAt.toString());
        json.put("finished_at", finishedAt == null ? null : finishedAt.toString());
        json.put("error", error);
        return json;
    }
}
