package org.sightline.ops;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Access;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.audit.AuditLog;
import org.sightline.common.Refusal;
import org.sightline.jobs.Job;
import org.sightline.jobs.Jobs;

/**
 * {@code GET /api/v1/jobs/{id}} (progress of long work) and {@code DELETE} (cancel, audited); the panel reads
 * the same document from {@code /jobs/{id}} with its session to move its progress bars.
 */
public final class JobRoutes {
    private final Jobs jobs;
    private final AuditLog audit;

    private JobRoutes(Jobs jobs, AuditLog audit) {
        this.jobs = jobs;
        this.audit = audit;
    }

    public static void register(RoutesConfig routes, Jobs jobs, AuditLog audit) {
        JobRoutes r = new JobRoutes(jobs, audit);
        routes.get("/api/v1/jobs/{id}", r::get, Access.token(Scope.ADMIN));
        routes.delete("/api/v1/jobs/{id}", ctx -> r.cancel(ctx, Access.tokenActor(ctx)), Access.token(Scope.ADMIN));
        routes.get("/jobs/{id}", r::get, Access.panel(Role.ADMIN));
        routes.post("/jobs/{id}/cancel", ctx -> r.cancel(ctx, Access.requireSession(ctx).user().name()),
                Access.panel(Role.ADMIN));
    }

    private void get(Context ctx) {
        ctx.json(job(ctx).toJson());
    }

    private void cancel(Context ctx, String actor) {
        Job job = job(ctx);
        Job cancelled = jobs.cancel(job.id(), h -> audit.append(h, actor, "job_cancel", "job:" + job.id(),
                "kind=" + job.kind() + (job.subject() == null ? "" : " subject=" + job.subject())));
        ctx.json(cancelled.toJson());
    }

    private Job job(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no job " + ctx.pathParam("id"));
        }
        return jobs.find(id).orElseThrow(() -> Refusal.notFound("no job " + id));
    }
}
