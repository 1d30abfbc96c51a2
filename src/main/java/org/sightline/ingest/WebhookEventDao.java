package org.sightline.ingest;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;

/** Accepted webhook deliveries; only ids, type and the dedupe key are kept, never the body. */
public interface WebhookEventDao {

    @SqlQuery("SELECT COUNT(*) FROM webhook_events WHERE instance_id = :instanceId AND dedupe_key = :key")
    int count(@Bind("instanceId") long instanceId, @Bind("key") String dedupeKey);

    @SqlUpdate("INSERT INTO webhook_events (instance_id, event_type, dedupe_key, media_count, received_at)"
            + " VALUES (:instanceId, :type, :key, :mediaCount, :at)")
    void insert(@Bind("instanceId") long instanceId, @Bind("type") String type, @Bind("key") String dedupeKey,
                @Bind("mediaCount") int mediaCount, @Bind("at") Instant at);
}
