package org.sightline.banks;

import java.time.Instant;
import java.util.List;

/** A bank row. {@code labels} is the stored comma-separated form; see {@link #labelList()}. */
public record Bank(long id, String name, BankKind kind, BankPolicy policy, BankMode mode, String labels, int pdqThreshold,
                   int phashThreshold, int dhashThreshold, Instant createdAt, Instant updatedAt, Instant archivedAt,
                   Instant removedAt) {

    public static final int DEFAULT_PDQ_THRESHOLD = 31;
    /** pHash/dHash: 64-bit hashes; 10 bits keeps false positives rare on photos. */
    public static final int DEFAULT_64BIT_THRESHOLD = 10;

    public List<String> labelList() {
        return Labels.split(labels);
    }

    /** Whether its entries match: not archived, not removed. */
    public boolean matching() {
        return archivedAt == null && removedAt == null;
    }

    public boolean archived() {
        return archivedAt != null;
    }

    public boolean allow() {
        return kind == BankKind.ALLOW;
    }
}
