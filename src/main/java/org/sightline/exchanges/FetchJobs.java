package org.sightline.exchanges;

import org.sightline.audit.AuditLog;
import org.sightline.common.Refusal;
import org.sightline.jobs.Job;
import org.sightline.jobs.Jobs;

import java.util.Optional;

/**
 * The panel's exchange fetches as {@code exchange_fetch} jobs (subject {@code exchange:<name>}): progress counts the
 * pages applied (the total is known once the source says it has no more).
 */
public final class FetchJobs {
    public static final String KIND = "exchange_fetch";

    private final Jobs jobs;
    private final ExchangeService exchanges;
    private final AuditLog audit;

    public FetchJobs(Jobs jobs, ExchangeService exchanges, AuditLog audit) {
        this.jobs = jobs;
        this.exchanges = exchanges;
        this.audit = audit;
        jobs.register(KIND, this::run);
    }

    public static String subject(String exchange) {
        return "exchange:" + exchange;
    }

    /** Queues a fetch of the exchange (audited with the job's id), unless one is already queued or running. */
    public Jobs.Started start(String name, String actor) {
        if (exchanges.find(name).isEmpty()) throw Refusal.notFound("Exchange '" + name + "' not found");
        return jobs.startOnce(KIND, subject(name), "{}", actor,
                (h, job) -> audit.append(h, actor, "exchange_fetch", subject(name), "job=" + job));
    }

    public Optional<Job> latest(String name) {
        return jobs.latest(subject(name));
    }

    private void run(Job job, Jobs.Step step) throws Exception {
        String name = job.subject().substring("exchange:".length());
        if (!step.progress(0, null, "fetching")) return;
        ExchangeService.FetchOutcome out;
        try {
            out = exchanges.fetch(name, (pages, added) -> step.progress(pages, null, "page " + pages));
        } catch (Refusal e) {
            throw new Jobs.Failure(e.getMessage());
        }
        if (!out.ran()) throw new Jobs.Failure("another fetch of '" + name + "' was running (the schedule's or the API's)");
        if (!out.succeeded()) throw new Jobs.Failure("fetch failed: " + out.error());
        step.progress(out.pages(), (long) out.pages(), "added=" + out.added() + " removed=" + out.removed());
    }
}
