package org.sightline.ops;

import org.sightline.access.Access;
import io.javalin.config.RoutesConfig;
import org.sightline.ingest.IngestMetrics;
import org.sightline.ingest.IngestWorkers;
import org.sightline.store.Database;

import java.util.Map;
import java.util.function.BooleanSupplier;

/** Liveness, readiness and Prometheus metrics (counts and latencies only: nothing secret or personal). */
public final class OpsRoutes {
    private OpsRoutes() {
    }

    public static void register(RoutesConfig routes, Database database, IngestWorkers workers,
                                IngestMetrics metrics, BooleanSupplier bankIndexInStep) {
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")), Access.open());
        routes.get("/readyz", ctx -> {
            boolean db = database.ping();
            boolean work = workers.running();
            // an index that lost a committed change would let known media pass: not ready until rebuilt
            boolean index = bankIndexInStep.getAsBoolean();
            boolean ready = db && work && index;
            ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "not_ready",
                    "database", db, "workers", work, "bank_index", index));
        }, Access.open());
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()), Access.open());
    }
}
