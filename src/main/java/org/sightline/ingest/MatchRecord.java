package org.sightline.ingest;

import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;

/**
 * One stored match of a media item against a bank entry. For a match involving video: {@code bankedPercent} and
 * {@code uploadPercent} (a video against a banked video, 0..100), or {@code uploadAt}/{@code bankedAt} (seconds:
 * which frame of the upload matched an image entry, or which frame of a banked video an image matched); else null.
 */
public record MatchRecord(long id, long mediaId, long bankId, String bankName, long entryId, String signalType,
                          int distance, String variant, String labels, boolean observed, boolean vetoed,
                          Double bankedPercent, Double uploadPercent, Double uploadAt, Double bankedAt) {

    @JdbiConstructor
    public MatchRecord {
    }

    public MatchRecord(long id, long mediaId, long bankId, String bankName, long entryId, String signalType,
                       int distance, String variant, String labels, boolean observed, boolean vetoed) {
        this(id, mediaId, bankId, bankName, entryId, signalType, distance, variant, labels, observed, vetoed,
                null, null, null, null);
    }

    /** What the video evidence says, for the case page and the APIs ("" when the match involves no video). */
    public String videoEvidence() {
        if (bankedPercent != null || uploadPercent != null) {
            return percent(bankedPercent) + " of the banked video's frames found; " + percent(uploadPercent)
                    + " of this upload's frames";
        }
        if (uploadAt != null) return "video frame at " + time(uploadAt) + " matched an image entry";
        if (bankedAt != null) return "image matched a frame of a banked video at " + time(bankedAt);
        return "";
    }

    private static String percent(Double p) {
        if (p == null) return "?";
        return (p == Math.rint(p) ? String.valueOf(p.longValue()) : String.valueOf(p)) + " %";
    }

    /** m:ss, as a player shows a position. */
    public static String time(double seconds) {
        long s = (long) Math.floor(seconds);
        return (s / 60) + ":" + String.format(java.util.Locale.ROOT, "%02d", s % 60);
    }
}
