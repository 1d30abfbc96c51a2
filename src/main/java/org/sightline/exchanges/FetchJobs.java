package org.sightline.exchanges;

import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.common.Refusal;
import org.sightline.jobs.Job;
import org.sightline.jobs.Jobs;

import java.util.List;
import java.util.Optional;

/**
 * The panel's exchange fetches as {@code exchange_fetch} jobs (subject {@code exchange:<name>}): progress counts the
 * pages applied (the total is known once the source says it has no more).
 */
public final class FetchJobs {
    public static final String KIND = "exchange_fetch";

    private final Jdbi jdbi;
    private final Jobs jobs;
    private final ExchangeService exchanges;
    private final AuditLog audit;

    public FetchJobs(Jdbi jdbi, Jobs jobs, ExchangeService exchanges, AuditLog audit) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.exchanges = exchanges;
        this.audit = audit;
        jobs.register(KIND, this::run);
    }

    /** A fetch job asked for: {@code created} false when one was already queued or running (that one is {@code id}). */
    public record Started(long id, boolean created) {
    }

    public static String subject(String exchange) {
        return "exchange:" + exchange;
    }

    /** Queues a fetch of the exchange (audited with the job's id), unless one is already queued or running. */
    public Started start(String name, String actor) {
        if (exchanges.find(name).isEmpty()) throw Refusal.notFound("Exchange '" + name + "' not found");
        String subject = subject(name);
        List<Job> unfinished = jobs.unfinished(KIND, subject);
        if (!unfinished.isEmpty()) return new Started(unfinished.get(0).id(), false);
        long id = jdbi.inTransaction(h -> {
            long job = jobs.create(h, KIND, subject, "{}", actor);
            audit.append(h, actor, "exchange_fetch", subject, "job=" + job);
            return job;
        });
        jobs.wake();
        return new Started(id, true);
    }

    public Optional<Job> latest(String name) {
        return jobs.recent(subject(name), 1).stream().findFirst();
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
