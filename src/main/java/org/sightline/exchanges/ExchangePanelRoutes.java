package org.sightline.exchanges;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Access;
import org.sightline.access.Role;
import org.sightline.banks.Bank;
import org.sightline.common.Refusal;
import org.sightline.web.HttpRefusals;
import org.sightline.web.Page;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The admins' {@code /exchanges} page: each exchange's fetch state, and "Fetch now" as an {@code exchange_fetch} job. */
public final class ExchangePanelRoutes {
    private final ExchangeService exchanges;
    private final FetchJobs fetchJobs;

    private ExchangePanelRoutes(ExchangeService exchanges, FetchJobs fetchJobs) {
        this.exchanges = exchanges;
        this.fetchJobs = fetchJobs;
    }

    public static void register(RoutesConfig routes, ExchangeService exchanges, FetchJobs fetchJobs) {
        ExchangePanelRoutes r = new ExchangePanelRoutes(exchanges, fetchJobs);
        routes.get("/exchanges", ctx -> r.page(ctx, 200, Map.of()), Access.panel(Role.ADMIN));
        routes.post("/exchanges/{name}/fetch", r::fetch, Access.panel(Role.ADMIN));
    }

    /** Queues a fetch job and answers at once; the page's progress bar follows it (one at a time per exchange). */
    private void fetch(Context ctx) {
        String admin = Access.requireSession(ctx).user().name();
        String name = ctx.pathParam("name");
        try {
            org.sightline.jobs.Jobs.Started job = fetchJobs.start(name, admin);
            page(ctx, job.created() ? 202 : 200, Map.of("message", job.created()
                    ? "Fetch of " + name + " started (job " + job.id() + "): its progress shows below."
                    : "A fetch of " + name + " is already queued or running (job " + job.id() + "); no other was started."));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    private void page(Context ctx, int status, Map<String, Object> extra) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ExchangeService.Info info : exchanges.list()) {
            ExchangeDao.Row r = info.row();
            Map<String, Object> row = new HashMap<>();
            row.put("name", r.name());
            row.put("api", r.api());
            row.put("installed", exchanges.api(r.api()).isPresent());
            Bank bank = exchanges.bank(info).orElse(null);
            row.put("bank", bank == null ? null : bank.name());
            row.put("mode", bank == null ? null : bank.mode().wireName());
            row.put("enabled", r.enabled());
            row.put("lastFetch", r.lastFetchComplete() == null ? null : r.lastFetchComplete().toString());
            row.put("succeeded", r.lastFetchSucceeded());
            row.put("error", r.lastError());
            row.put("upToDate", r.upToDate());
            row.put("items", info.fetchedItems());
            fetchJobs.latest(r.name()).ifPresent(j -> row.put("job", j.toJson()));
            rows.add(row);
        }
        Map<String, Object> model = new HashMap<>(extra);
        model.put("exchanges", rows);
        ctx.status(status);
        Page.render(ctx, "exchanges.peb", model);
    }
}
