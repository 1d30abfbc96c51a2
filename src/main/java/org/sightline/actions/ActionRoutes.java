package org.sightline.actions;

import org.sightline.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import java.time.Instant;
import org.sightline.access.Scope;
import org.sightline.ingest.MediaCatalog;
import org.sightline.common.Refusal;
import org.sightline.web.JsonBody;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Asking for actions by API ({@code POST /api/v1/media/{id}/actions}) and quarantined evidence (admins
 * only; every export recorded). Plugin settings are in {@link PluginSettingsRoutes}.
 */
public final class ActionRoutes {
    static final Set<String> REQUESTABLE = Set.of("report", "mark_sensitive", "account_action", "delete", "quarantine", "webhook");

    private final Jdbi jdbi;
    private final MediaCatalog media;
    private final ActionQueue queue;
    private final Plugins plugins;
    private final ActionExecutor executor;
    private final Quarantine quarantine;
    private final ObjectMapper json;
    private final Clock clock;
    private final AuditLog audit;

    private ActionRoutes(Jdbi jdbi, ActionQueue queue, Plugins plugins, ActionExecutor executor, Quarantine quarantine,
                         ObjectMapper json, Clock clock, AuditLog audit) {
        this.audit = audit;
        this.jdbi = jdbi;
        this.media = new MediaCatalog(jdbi);
        this.queue = queue; // the shared queue: its hooks (statements of reasons) see these requests too
        this.plugins = plugins;
        this.executor = executor;
        this.quarantine = quarantine;
        this.json = json;
        this.clock = clock;
    }

    public static void register(RoutesConfig routes, Jdbi jdbi, ActionQueue queue, Plugins plugins,
                                ActionExecutor executor, Quarantine quarantine, ObjectMapper json, Clock clock,
                                AuditLog audit) {
        ActionRoutes r = new ActionRoutes(jdbi, queue, plugins, executor, quarantine, json, clock, audit);
        routes.post("/api/v1/media/{id}/actions", r::request, Access.token(Scope.ADMIN));
        routes.get("/api/v1/quarantine", ctx -> ctx.json(Map.of("evidence",
                quarantine.list().stream().map(Quarantine.Evidence::toJson).toList())), Access.token(Scope.ADMIN));
        routes.get("/api/v1/quarantine/{id}", r::export, Access.token(Scope.ADMIN));
    }

    private void request(Context ctx) throws Exception {
        long mediaId = id(ctx);
        if (media.find(mediaId).isEmpty()) throw Refusal.notFound("no media " + mediaId);
        JsonNode body = JsonBody.object(ctx, json, "{\"action\": ..., \"params\": {...}}");
        String action = body.path("action").asText("");
        if (!REQUESTABLE.contains(action)) throw Refusal.invalid("action must be one of " + String.join(", ", REQUESTABLE));
        JsonNode params = body.get("params");
        if (params != null && !params.isObject()) throw Refusal.invalid("params must be an object of strings");
        if (action.equals("account_action")) {
            String type = params == null ? null : params.path("type").asText(null);
            if (type == null || !Set.of("sensitive", "silence", "suspend").contains(type)) {
                throw Refusal.invalid("account_action needs params.type: sensitive, silence or suspend");
            }
        }
        String by = Access.tokenActor(ctx);
        String paramsJson = params == null ? null : json.writeValueAsString(params);
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        // the request and its audit event commit together; a repeated request changes nothing and is not recorded
        int added = jdbi.inTransaction(h -> {
            int n = queue.request(h, mediaId, null, action, paramsJson, by, at);
            if (n == 1) {
                String type = params == null ? null : params.path("type").asText(null);
                audit.append(h, by, "action_request", "media:" + mediaId,
                        "action=" + action + (action.equals("account_action") ? " type=" + type : ""));
            }
            return n;
        });
        executor.wake();
        ctx.status(added == 1 ? 202 : 200).json(Map.of("media_id", mediaId, "action", action,
                "result", added == 1 ? "queued" : "already requested"));
    }

    private void export(Context ctx) {
        long id = id(ctx);
        var evidence = quarantine.export(id, "token:" + Access.principal(ctx).name())
                .orElseThrow(() -> Refusal.notFound("no quarantined evidence " + id));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("evidence", evidence.getKey().toJson());
        out.put("bytes_base64", Base64.getEncoder().encodeToString(evidence.getValue()));
        ctx.json(out);
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no such id " + ctx.pathParam("id"));
        }
    }
}
