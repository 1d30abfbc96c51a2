package org.sightline.instances;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.auth.AuthGuard;
import org.sightline.auth.Scope;
import org.sightline.web.JsonBody;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET|POST /api/v1/instances}: the admin API twin of {@code instance add}. Secrets are never shown back. */
public final class InstanceRoutes {
    private final InstanceService instances;
    private final ObjectMapper json;

    private InstanceRoutes(InstanceService instances, ObjectMapper json) {
        this.instances = instances;
        this.json = json;
    }

    public static void register(RoutesConfig routes, AuthGuard guard, InstanceService instances, ObjectMapper json) {
        InstanceRoutes r = new InstanceRoutes(instances, json);
        routes.get("/api/v1/instances", guard.requires(Scope.ADMIN, r::list));
        routes.post("/api/v1/instances", guard.requires(Scope.ADMIN, r::add));
    }

    private void list(Context ctx) {
        List<Map<String, Object>> out = instances.list().stream().map(Instance::toJson).toList();
        ctx.json(Map.of("instances", out));
    }

    private void add(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "a JSON object");
        Integer budget = body.hasNonNull("time_budget_ms") ? body.get("time_budget_ms").asInt() : null;
        InstanceService.Added added = instances.add(new InstanceService.NewInstance(text(body, "name"),
                text(body, "kind"), text(body, "url"), text(body, "webhook_secret"), text(body, "token"),
                text(body, "fail_mode"), budget));
        Map<String, Object> out = new LinkedHashMap<>(added.instance().toJson());
        if (added.generatedSecret() != null) out.put("webhook_secret", added.generatedSecret());
        out.put("webhook_path", InstanceCommand.webhookPath(added.instance()));
        ctx.status(201).json(out);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
