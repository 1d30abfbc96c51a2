package org.sightline.federation;

import org.sightline.audit.AuditLog;
import org.sightline.common.Refusal;
import org.sightline.jobs.Job;
import org.sightline.jobs.Jobs;

import java.util.Optional;

/**
 * The panel's list syncs as {@code list_sync} jobs (subject {@code subscription:<id>}): the page answers at once
 * and follows the job's progress — fetching (no total), then the changes read (the total), then applied.
 */
public final class SyncJobs {
    public static final String KIND = "list_sync";

    private final Jobs jobs;
    private final SubscriptionService subscriptions;
    private final AuditLog audit;

    public SyncJobs(Jobs jobs, SubscriptionService subscriptions, AuditLog audit) {
        this.jobs = jobs;
        this.subscriptions = subscriptions;
        this.audit = audit;
        jobs.register(KIND, this::run);
    }

    public static String subject(long subscription) {
        return "subscription:" + subscription;
    }

    /** Queues a sync of the subscription (audited with the job's id), unless one is already queued or running. */
    public Jobs.Started start(long subscription, String actor) {
        subscriptions.get(subscription); // refused when unknown
        return jobs.startOnce(KIND, subject(subscription), "{\"subscription_id\":" + subscription + "}", actor,
                (h, job) -> audit.append(h, actor, "subscription_sync", subject(subscription), "job=" + job));
    }

    /** The latest sync job of the subscription, if any. */
    public Optional<Job> latest(long subscription) {
        return jobs.latest(subject(subscription));
    }

    private void run(Job job, Jobs.Step step) throws Exception {
        long id = Long.parseLong(job.subject().substring("subscription:".length()));
        if (!step.progress(0, null, "fetching")) return;
        SubscriptionService.SyncResult r;
        try {
            r = subscriptions.sync(id, changes -> step.progress(0, (long) changes, "applying"));
        } catch (SyncException e) {
            if (SubscriptionService.CANCELLED.equals(e.getMessage())) return; // the job is already marked cancelled
            audit.append(job.createdBy(), "subscription_sync", job.subject(), "job=" + job.id() + " refused: " + e.getMessage());
            throw new Jobs.Failure("sync refused: " + e.getMessage());
        } catch (Refusal e) {
            throw new Jobs.Failure(e.getMessage());
        }
        long changes = (long) r.added() + r.retracted();
        audit.append(job.createdBy(), "subscription_sync", job.subject(), "job=" + job.id() + " from=" + r.fromSeq()
                + " to=" + r.toSeq() + " added=" + r.added() + " retracted=" + r.retracted()
                + (r.skipped() > 0 ? " skipped=" + r.skipped() : ""));
        step.progress(changes, changes, "done");
    }
}
