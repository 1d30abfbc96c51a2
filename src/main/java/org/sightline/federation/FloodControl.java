package org.sightline.federation;

import org.jdbi.v3.core.Jdbi;
import org.sightline.banks.Bank;
import org.sightline.banks.BankMode;
import org.sightline.banks.BankService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * A list that suddenly matches a lot is more likely broken or hostile than right: when a subscription's entries
 * match more distinct media in an hour than allowed, its bank is switched to observe and an alert recorded.
 */
final class FloodControl {
    private static final Logger log = LoggerFactory.getLogger(FloodControl.class);

    private final Jdbi jdbi;
    private final BankService banks;
    private final Clock clock;
    private final long floodMaxPerHour;

    FloodControl(Jdbi jdbi, BankService banks, Clock clock, long floodMaxPerHour) {
        this.jdbi = jdbi;
        this.banks = banks;
        this.clock = clock;
        this.floodMaxPerHour = floodMaxPerHour;
    }

    /**
     * Flood control: when the subscription's entries matched more distinct media in the last hour than
     * allowed, its bank is switched to observe and an alert is recorded. Returns whether it tripped now.
     */
    boolean check(SubscriptionDao.Subscription s) {
        if (floodMaxPerHour <= 0) return false;
        if (bank(s).mode() != BankMode.ENFORCE) return false;
        long n = matchedLastHour(s);
        if (n <= floodMaxPerHour) return false;
        trip(s, n);
        return true;
    }

    /**
     * Whether {@code more} media matched now (retroactively) would take the subscription past the limit; if so it
     * is tripped at once.
     */
    boolean wouldTrip(SubscriptionDao.Subscription s, int more) {
        if (floodMaxPerHour <= 0) return false;
        long total = matchedLastHour(s) + more;
        if (total <= floodMaxPerHour) return false;
        trip(s, total);
        return true;
    }

    /**
     * Whether a match of {@code mediaId} now would take an enforcing subscription past the limit; if so it is
     * tripped at once (and this match does not count).
     */
    boolean wouldTripWith(SubscriptionDao.Subscription s, long mediaId) {
        if (floodMaxPerHour <= 0) return false;
        if (bank(s).mode() != BankMode.ENFORCE) return false;
        long others = jdbi.withExtension(SubscriptionDao.class, d -> d.distinctOtherMediaMatchedSince(s.bankId(),
                mediaId, clock.instant().minus(Duration.ofHours(1))));
        if (others + 1 <= floodMaxPerHour) return false;
        trip(s, others + 1);
        return true;
    }

    private long matchedLastHour(SubscriptionDao.Subscription s) {
        return jdbi.withExtension(SubscriptionDao.class,
                d -> d.distinctMediaMatchedSince(s.bankId(), clock.instant().minus(Duration.ofHours(1))));
    }

    private Bank bank(SubscriptionDao.Subscription s) {
        return banks.cached(s.bankId()).orElseThrow(() -> new IllegalStateException("bank " + s.bankId() + " missing"));
    }

    private void trip(SubscriptionDao.Subscription s, long matched) {
        Bank b = bank(s);
        banks.update(b.name(), new BankService.BankSpec(null, null, null, "observe", null, null, null, null));
        String msg = "list " + s.url() + " matched " + matched + " distinct media in the last hour (limit "
                + floodMaxPerHour + "); bank " + b.name() + " switched to observe";
        jdbi.useExtension(SubscriptionDao.class, d -> d.insertAlert(s.id(), "flood", msg, clock.instant().truncatedTo(ChronoUnit.MICROS)));
        log.warn("event=list_flood subscription={} matched={} limit={}", s.id(), matched, floodMaxPerHour);
    }
}
