package org.sightline.federation;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Proposals to share a confirmed hash ({@code share_requests}) and their approvals. */
@RegisterConstructorMapper(ShareDao.ShareRequest.class)
public interface ShareDao {
    /** {@code labels}: the labels of the case decision, comma-joined. */
    record ShareRequest(long id, long mediaId, Long caseId, String state, String requestedBy, Instant createdAt,
                        String labels, String result, String pdq, boolean hasPreview) {
    }

    String SELECT = "SELECT r.id, r.media_id, r.case_id, r.state, r.requested_by, r.created_at, r.labels, r.result,"
            + " m.pdq, m.has_preview FROM share_requests r JOIN media_overview m ON m.id = r.media_id";

    /** Proposes sharing a media item's hash, unless it already was: 1 when proposed. */
    @SqlUpdate("INSERT INTO share_requests (media_id, case_id, state, requested_by, labels, created_at)"
            + " SELECT :mediaId, :caseId, 'pending', :by, :labels, :at"
            + " WHERE NOT EXISTS (SELECT 1 FROM share_requests WHERE media_id = :mediaId)")
    int propose(@Bind("mediaId") long mediaId, @Bind("caseId") Long caseId, @Bind("labels") String labels,
                @Bind("by") String requestedBy, @Bind("at") Instant at);

    @SqlQuery(SELECT + " WHERE r.media_id = :mediaId")
    Optional<ShareRequest> forMedia(@Bind("mediaId") long mediaId);

    @SqlQuery(SELECT + " WHERE r.state = 'pending' ORDER BY r.created_at, r.id")
    List<ShareRequest> pending();

    @SqlQuery(SELECT + " WHERE r.id = :id")
    Optional<ShareRequest> find(@Bind("id") long id);

    @SqlQuery("SELECT approver FROM share_request_approvals WHERE request_id = :id ORDER BY id")
    List<String> approvers(@Bind("id") long requestId);

    /** 1 when recorded, 0 when this approver had already approved. */
    @SqlUpdate("INSERT INTO share_request_approvals (request_id, approver, approved_at)"
            + " SELECT :id, :approver, :at WHERE NOT EXISTS"
            + " (SELECT 1 FROM share_request_approvals WHERE request_id = :id AND approver = :approver)")
    int approve(@Bind("id") long requestId, @Bind("approver") String approver, @Bind("at") Instant at);

    /** Ends a pending request: 1 when it was still pending, 0 when someone else ended it first. */
    @SqlUpdate("UPDATE share_requests SET state = :state, result = :result, updated_at = :at"
            + " WHERE id = :id AND state = 'pending'")
    int finish(@Bind("id") long id, @Bind("state") String state, @Bind("result") String result, @Bind("at") Instant at);

    /** Records what became of a request already ended (the publish after a completed approval). */
    @SqlUpdate("UPDATE share_requests SET state = :state, result = :result, updated_at = :at WHERE id = :id")
    void setResult(@Bind("id") long id, @Bind("state") String state, @Bind("result") String result, @Bind("at") Instant at);
}
