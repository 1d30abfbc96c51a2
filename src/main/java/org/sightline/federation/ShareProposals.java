package org.sightline.federation;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sightline.banks.Labels;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The door to the sharing stage: a moderator's confirmation may propose sharing the media's hash with partner
 * instances; the proposal waits in {@code share_requests} for other moderators' approval ({@link ShareService}).
 */
public final class ShareProposals {
    private final Jdbi jdbi;

    public ShareProposals(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Proposes sharing, in the caller's transaction; 1 when proposed, 0 when the media already was. */
    public int propose(Handle transaction, long mediaId, long caseId, List<String> labels, String proposer, Instant at) {
        return transaction.attach(ShareDao.class).propose(mediaId, caseId, Labels.join(labels), proposer, at);
    }

    /** The proposal for a media item, if there is one. */
    public Optional<ShareDao.ShareRequest> forMedia(long mediaId) {
        return jdbi.withExtension(ShareDao.class, d -> d.forMedia(mediaId));
    }
}
