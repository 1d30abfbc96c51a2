package org.sightline.ingest;

import org.sightline.decide.Decision;
import org.jdbi.v3.core.Handle;

import java.time.Instant;

/**
 * Where decided media go next (review's cases and the automatic action requests), written in the same
 * transaction as the verdict so that nothing is recorded half.
 */
public interface CaseQueue {

    /** Opens the case and requests the automatic action, as far as {@code decision} asks for them (at most once each). */
    void decided(Handle transaction, long mediaId, Decision decision, Instant now);

    /**
     * Opens a case for a moderator to judge, never an automatic action (e.g. an old post matched late by a list
     * entry that arrived after it). Returns 1 if a case was opened, 0 if the media already had one.
     */
    int openForReview(Handle transaction, long mediaId, int priority, String reason, Instant now);

    /** A new report of media already seen raises its case's priority by {@code boost}. */
    void reported(Handle transaction, long mediaId, int boost, Instant now);
}
