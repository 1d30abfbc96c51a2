package org.sightline.banks;

import org.sightline.common.Refusal;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** A bank row. {@code labels} is the stored comma-separated form; see {@link #labelList()}. */
public record Bank(long id, String name, String kind, String policy, String mode, String labels, int pdqThreshold,
                   int phashThreshold, int dhashThreshold, Instant createdAt, Instant updatedAt) {

    public static final List<String> KINDS = List.of("local", "subscribed", "allow");
    public static final List<String> POLICIES = List.of("review", "mark_sensitive", "report", "reject");
    public static final List<String> MODES = List.of("enforce", "observe");
    public static final int DEFAULT_PDQ_THRESHOLD = 31;
    /** pHash/dHash: 64-bit hashes; 10 bits keeps false positives rare on photos. */
    public static final int DEFAULT_64BIT_THRESHOLD = 10;

    public List<String> labelList() {
        return Labels.split(labels);
    }

    public boolean allow() {
        return "allow".equals(kind);
    }

    static String oneOf(String field, String value, List<String> allowed) {
        String v = value == null ? null : value.trim().toLowerCase(Locale.ROOT);
        if (v == null || !allowed.contains(v)) {
            throw Refusal.invalid(field + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return v;
    }
}
