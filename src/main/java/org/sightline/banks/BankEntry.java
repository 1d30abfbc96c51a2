package org.sightline.banks;

import java.time.Instant;
import java.util.List;

/** An entry row: one signal in one bank, with provenance. Retraction keeps the row. */
public record BankEntry(long id, long bankId, String signalType, String signalValue, String labels, String note,
                        String addedBy, String sourceList, Long sourceSeq, String state, Instant createdAt,
                        Instant retractedAt, String retractedBy) {

    public static final String ACTIVE = "active";
    public static final String RETRACTED = "retracted";

    public List<String> labelList() {
        return Labels.split(labels);
    }
}
