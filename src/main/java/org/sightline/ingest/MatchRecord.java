package org.sightline.ingest;

/** One stored match of a media item against a bank entry. */
public record MatchRecord(long id, long mediaId, long bankId, String bankName, long entryId, String signalType,
                          int distance, String variant, String labels, boolean observed, boolean vetoed) {
}
