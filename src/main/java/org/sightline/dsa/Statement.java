package org.sightline.dsa;

import java.time.Instant;
import java.time.LocalDate;

/** One statement of reasons as stored ({@code statements}). */
public record Statement(long id, String puid, long mediaId, Long caseId, Long requestId, String action, String actionType,
                        String decidedBy, String decisionVisibility, String decisionAccount, String decisionProvision,
                        String decisionGround, String groundText, String groundExplanation, String contentType,
                        String category, String categorySpecification, String labels, String sourceKind,
                        String sourceNames, LocalDate contentDate, LocalDate applicationDate, String decisionFacts,
                        String sourceType, String automatedDetection, String automatedDecision, String appealTokenHash,
                        String appealTokenSealed, Instant appealDeadline, String delivery, Instant deliveredAt,
                        String outcome, String tdbState, int tdbAttempts, Instant tdbNextAt, String tdbResult,
                        Instant createdAt) {
    /** Submission states: off (no database configured), pending, submitted, failed. */
    public static final String TDB_OFF = "off";
    public static final String TDB_PENDING = "pending";
    public static final String TDB_SUBMITTED = "submitted";
    public static final String TDB_FAILED = "failed";
}
