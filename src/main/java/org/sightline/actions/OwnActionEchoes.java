package org.sightline.actions;

import org.jdbi.v3.core.Handle;
import org.sightline.ingest.EchoCheck;
import org.sightline.ingest.mastodon.MastodonEvent;
import org.sightline.ingest.mastodon.MediaRef;
import org.sightline.instances.Instance;

import java.time.Instant;

/** Answers ingest's {@link EchoCheck} from the actions Sightline took and the reports it filed. */
public final class OwnActionEchoes implements EchoCheck {

    /**
     * An event about a status Sightline acted on since {@code since} is that action coming back. A report is only
     * if it is one Sightline filed (its id; the first such echo also tells which account Sightline reports as),
     * one filed by that account (e.g. again after an answer that was lost), or one Sightline is filing right
     * now (the echo can arrive before the answer): someone else's report of the same post still counts. Any
     * other event (the post updated by the action) is.
     */
    @Override
    public boolean isEcho(Handle transaction, Instance instance, MastodonEvent event, MediaRef ref, Instant since) {
        ActionDao acted = transaction.attach(ActionDao.class);
        if (acted.actedOnSince(instance.id(), ref.statusId(), since) == 0) return false;
        if (!event.fromReport() || event.report().reportId() == null) return true;
        String reporter = event.report().reporterAccountId();
        if (acted.ownReports(instance.id(), event.report().reportId()) > 0) {
            if (reporter != null && reporter.length() <= 64) acted.learnOwnAccount(instance.id(), reporter);
            return true;
        }
        if (reporter != null && acted.ownAccount(instance.id()).filter(reporter::equals).isPresent()) return true;
        return acted.reportsInFlight(instance.id(), ref.statusId()) > 0;
    }
}
