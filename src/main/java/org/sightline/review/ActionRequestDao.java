package org.sightline.review;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;

/** Automatic outcomes a bank policy decided, waiting for the action plug-ins. */
public interface ActionRequestDao {

    @SqlUpdate("INSERT INTO action_requests (media_id, action, state, requested_by, created_at)"
            + " SELECT :mediaId, :action, 'pending', :by, :at"
            + " WHERE NOT EXISTS (SELECT 1 FROM action_requests WHERE media_id = :mediaId AND action = :action)")
    int requestIfAbsent(@Bind("mediaId") long mediaId, @Bind("action") String action, @Bind("by") String requestedBy,
                        @Bind("at") Instant at);

    /** A request with parameters (e.g. {@code {"type": "suspend"}}), unless this media already has one for the action. */
    @SqlUpdate("INSERT INTO action_requests (media_id, action, state, requested_by, created_at, params)"
            + " SELECT :mediaId, :action, 'pending', :by, :at, :params"
            + " WHERE NOT EXISTS (SELECT 1 FROM action_requests WHERE media_id = :mediaId AND action = :action)")
    int requestWithParams(@Bind("mediaId") long mediaId, @Bind("action") String action, @Bind("params") String params,
                          @Bind("by") String requestedBy, @Bind("at") Instant at);

    @SqlQuery("SELECT action FROM action_requests WHERE media_id = :mediaId ORDER BY id")
    List<String> forMedia(@Bind("mediaId") long mediaId);
}
