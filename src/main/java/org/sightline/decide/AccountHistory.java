package org.sightline.decide;

import java.time.Instant;

/**
 * Earlier confirmed cases of a post's author, for the risk score: declared here, implemented by review (which
 * owns the cases) and wired in {@code boot.App}.
 */
public interface AccountHistory {

    /** Confirmed cases since a time: of the same account, and of other accounts of the same remote domain. */
    record Counts(int account, int domain) {
        public static final Counts NONE = new Counts(0, 0);
    }

    /**
     * @param acct           {@code user} for a local account, {@code user@domain} for a remote one (null: unknown)
     * @param excludeMediaId the media being decided, whose own case never counts
     */
    Counts confirmedSince(Long instanceId, String accountId, String acct, long excludeMediaId, Instant since);

    AccountHistory NONE = (instanceId, accountId, acct, excludeMediaId, since) -> Counts.NONE;

    /** The remote domain of an acct, or null for a local account. */
    static String domainOf(String acct) {
        if (acct == null) return null;
        int at = acct.lastIndexOf('@');
        return at > 0 && at < acct.length() - 1 ? acct.substring(at + 1).toLowerCase(java.util.Locale.ROOT) : null;
    }
}
