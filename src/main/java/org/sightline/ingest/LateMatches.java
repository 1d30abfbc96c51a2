package org.sightline.ingest;

import org.jdbi.v3.core.Handle;

import java.time.Instant;

/**
 * Matches found after a media item was processed (a list entry that arrived later matched it): recorded beside
 * the scan's own matches, in the caller's transaction, at most once per media item and entry.
 */
public final class LateMatches {

    /** What a late match involving video rests on (see {@link MatchRecord}); null fields when not known. */
    public record Video(Double bankedPercent, Double uploadPercent, Double uploadAt, Double bankedAt) {
    }

    /** Returns 1 when recorded, 0 when this media item already had a match for this entry. */
    public int record(Handle transaction, long mediaId, long bankId, String bankName, long entryId, String signalType,
                      int distance, String variant, String labels, boolean observed, Instant at) {
        return record(transaction, mediaId, bankId, bankName, entryId, signalType, distance, variant, labels,
                observed, at, null);
    }

    /** The same, with the video evidence (may be null) stored on the match as a scan's own would be. */
    public int record(Handle transaction, long mediaId, long bankId, String bankName, long entryId, String signalType,
                      int distance, String variant, String labels, boolean observed, Instant at, Video video) {
        int added = transaction.attach(MatchDao.class).insertLateIfAbsent(mediaId, bankId, bankName, entryId,
                signalType, distance, variant, labels, observed, at);
        if (added == 1 && video != null) {
            transaction.attach(MatchDao.class).setVideo(mediaId, entryId, video.bankedPercent(),
                    video.uploadPercent(), video.uploadAt(), video.bankedAt());
        }
        return added;
    }
}
