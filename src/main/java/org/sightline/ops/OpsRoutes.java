package org.sightline.ops;

import org.sightline.access.Access;
import io.javalin.config.RoutesConfig;
import org.sightline.ingest.IngestMetrics;
import org.sightline.ingest.IngestWorkers;
import org.sightline.store.Database;

import java.util.Map;

/** Liveness, readiness and Prometheus metrics (counts and latencies only: nothing secret or personal). */
public final class OpsRoutes {
    private OpsRoutes() {
    }

    public static void register(RoutesConfig routes, Database database, IngestWorkers workers,
                                IngestMetrics metrics) {
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")), Access.open());
        routes.get("/readyz", ctx -> {
            boolean db = database.ping();
            boolean work = workers.running();
            ctx.status(db && work ? 200 : 503).json(Map.of("status", db && work ? "ready" : "not_ready",
                    "database", db, "workers", work));
        }, Access.open());
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()), Access.open());
    }
}
