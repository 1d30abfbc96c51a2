package org.sightline.exchanges;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Access;
import org.sightline.access.Scope;
import org.sightline.common.Refusal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Sightline's own exchange routes: {@code POST /api/v1/exchanges/{name}/fetch} fetches now (admin token). */
public final class ExchangeRoutes {
    private ExchangeRoutes() {
    }

    public static void register(RoutesConfig routes, ExchangeService exchanges) {
        routes.post("/api/v1/exchanges/{name}/fetch", ctx -> fetch(ctx, exchanges), Access.token(Scope.ADMIN));
    }

    private static void fetch(Context ctx, ExchangeService exchanges) {
        String name = ctx.pathParam("name");
        ExchangeService.FetchOutcome out = exchanges.fetch(name);
        if (!out.ran()) throw Refusal.conflict("a fetch of '" + name + "' is running");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("succeeded", out.succeeded());
        body.put("pages", out.pages());
        body.put("added", out.added());
        body.put("removed", out.removed());
        body.put("matched_late", out.matchedLate());
        body.put("message", out.error());
        ctx.json(body);
    }
}
