package org.sightline.review;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The share stage's door for a moderator's opinion on a shared entry: a dismissal can say that the list or exchange
 * entry its match rests on is a false positive or disputed. Filed in the deciding transaction and delivered durably
 * by the share stage (implemented there, wired in boot), so review imports neither federation nor exchanges.
 */
public interface EntryFeedback {

    /** What a moderator may say about an entry. */
    enum Opinion {
        FALSE_POSITIVE("false_positive"), DISPUTED("disputed");

        private final String wireName;

        Opinion(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** Null or blank (or {@code none}): no opinion. */
        public static Optional<Opinion> parse(String s) {
            if (s == null || s.isBlank() || s.trim().equals("none")) return Optional.empty();
            for (Opinion o : values()) if (o.wireName.equals(s.trim())) return Optional.of(o);
            throw new IllegalArgumentException("entry_opinion must be false_positive, disputed or none");
        }
    }

    /**
     * An entry that came from elsewhere: {@code source} names where ("list https://…", "exchange SNCII
     * (stop_ncii)"), {@code unavailable} says why that source takes no opinion (null: it takes one).
     */
    record Target(long entryId, String source, String unavailable) {
        public boolean accepts() {
            return unavailable == null;
        }
    }

    /** The entries among {@code entryIds} that came from a subscribed list or an exchange; local entries have none. */
    List<Target> targets(Collection<Long> entryIds);

    /** Files {@code opinion} on {@code target} for delivery, in the caller's transaction; none leaves before {@code notBefore}. */
    void request(Handle transaction, long caseId, Target target, Opinion opinion, String requestedBy, Instant at,
                 Instant notBefore);

    /** Withdraws a case's opinions not yet sent (its dismissal undone in its window); returns how many. */
    int withdraw(Handle transaction, long caseId);

    /** No share stage: no entry takes an opinion (tests that build review alone). */
    EntryFeedback NONE = new EntryFeedback() {
        @Override
        public List<Target> targets(Collection<Long> entryIds) {
            return List.of();
        }

        @Override
        public void request(Handle transaction, long caseId, Target target, Opinion opinion, String requestedBy,
                            Instant at, Instant notBefore) {
            throw new IllegalStateException("no share stage to send an opinion through");
        }

        @Override
        public int withdraw(Handle transaction, long caseId) {
            return 0;
        }
    };
}
