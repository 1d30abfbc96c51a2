package org.sightline.review;

import org.sightline.actions.ActionQueue;
import org.sightline.audit.AuditLog;
import org.jdbi.v3.core.Handle;
import org.sightline.ingest.CaseQueue;
import org.sightline.decide.Decision;

import java.time.Instant;

/** Review's door for decided media: opens cases and files the automatic action requests. */
public final class CaseIntake implements CaseQueue {
    private final ActionQueue actions;

    public CaseIntake(ActionQueue actions) {
        this.actions = actions;
    }

    /** Who an automatic decision's action request is filed by. */
    public static final String AUTOMATIC = AuditLog.SYSTEM;

    @Override
    public void decided(Handle transaction, long mediaId, Decision decision, Instant now) {
        if (decision.openCase()) {
            CaseDao dao = transaction.attach(CaseDao.class);
            dao.openIfAbsent(mediaId, decision.priority(), decision.reason(),
                    decision.automatic() ? decision.decision() : null, now);
            if (decision.suggested() != null) dao.suggest(mediaId, decision.suggested());
        }
        if (decision.automatic()) {
            actions.request(transaction, mediaId, null, decision.decision().wireName(), null, AUTOMATIC, now); // the action named like the outcome
        }
    }

    @Override
    public int openForReview(Handle transaction, long mediaId, int priority, String reason, Instant now) {
        return transaction.attach(CaseDao.class).openIfAbsent(mediaId, priority, reason, null, now);
    }

    @Override
    public void reported(Handle transaction, long mediaId, int boost, Instant now) {
        transaction.attach(CaseDao.class).raisePriority(mediaId, boost, now);
    }
}
