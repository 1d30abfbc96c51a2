package org.sightline.instances;

import org.sightline.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Scope;
import org.sightline.common.Refusal;
import org.sightline.web.JsonBody;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET|POST /api/v1/instances}: the admin API twin of {@code instance add}. Secrets are never shown back. */
public final class InstanceRoutes {
    private final InstanceService instances;
    private final MastodonConnect connect;
    private final MisskeyConnect misskeyConnect;
    private final Polls polls;
    private final Follows follows;
    private final ObjectMapper json;

    private InstanceRoutes(InstanceService instances, MastodonConnect connect, MisskeyConnect misskeyConnect,
                           Polls polls, Follows follows, ObjectMapper json) {
        this.follows = follows;
        this.instances = instances;
        this.connect = connect;
        this.misskeyConnect = misskeyConnect;
        this.polls = polls;
        this.json = json;
    }

    public static void register(RoutesConfig routes, InstanceService instances, MastodonConnect connect,
                                MisskeyConnect misskeyConnect, Polls polls, Follows follows, ObjectMapper json) {
        InstanceRoutes r = new InstanceRoutes(instances, connect, misskeyConnect, polls, follows, json);
        routes.get("/api/v1/instances", r::list, Access.token(Scope.ADMIN));
        routes.post("/api/v1/instances", r::add, Access.token(Scope.ADMIN));
        routes.get("/api/v1/instances/{name}", r::get, Access.token(Scope.ADMIN));
        routes.patch("/api/v1/instances/{name}", r::patch, Access.token(Scope.ADMIN));
        routes.post("/api/v1/instances/{name}/backfill", r::backfill, Access.token(Scope.ADMIN));
        routes.post("/api/v1/instances/{name}/connect", r::connect, Access.token(Scope.ADMIN));
        routes.post("/api/v1/instances/{name}/poll", r::poll, Access.token(Scope.ADMIN));
        routes.delete("/api/v1/instances/{name}", r::remove, Access.token(Scope.ADMIN));
        // the instance's authorize page sends the admin's browser here; the one-time state authenticates it
        routes.get("/instances/{name}/oauth/callback", r::callback, Access.selfAuthenticated());
        // Misskey's MiAuth page sends the admin's browser here; the one-time session authenticates it
        routes.get("/instances/{name}/miauth/callback", r::miauthCallback, Access.selfAuthenticated());
    }

    /** Removes the instance: secrets destroyed, bound tokens revoked, media and cases kept (labelled removed). */
    private void remove(Context ctx) {
        Instance removed = instances.remove(ctx.pathParam("name"), Access.tokenActor(ctx));
        ctx.json(Map.of("removed", removed.name()));
    }

    private void get(Context ctx) {
        Instance i = named(ctx);
        Map<String, Object> out = new LinkedHashMap<>(i.toJson());
        out.put("webhook_path", i.webhookPath());
        out.put("last_event_at", instances.lastEventAt(i).map(Object::toString).orElse(null));
        if (i.kind() == InstanceKind.MISSKEY) out.put("poll", polls.state(i).map(PollState::toJson).orElse(null));
        if (i.followable()) out.put("follow", follows.state(i).map(FollowState::toJson).orElse(null));
        ctx.json(out);
    }

    /** {@code {"watch": "none"|"local"|"remote"|"all"}}: which public timelines Sightline follows. */
    private void patch(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "{\"watch\": \"remote\"}");
        Instance i = named(ctx);
        if (!body.has("watch")) throw Refusal.invalid("nothing to change: send {\"watch\": \"" + Watch.REMOTE + "\"}");
        Instance changed = instances.setWatch(i.name(), text(body, "watch"), Access.tokenActor(ctx));
        ctx.json(changed.toJson());
    }

    /** {@code {"days": 7}} → 202 {@code {"job": {"id": …}}}: pages the watched timelines back that far. */
    private void backfill(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "{\"days\": 7}");
        Instance i = named(ctx);
        JsonNode days = body.get("days");
        if (days == null || !days.isIntegralNumber() || !days.canConvertToInt()) { // the range is the service's
            throw Refusal.invalid(Follows.DAYS_RULE);
        }
        long job = follows.backfill(i, days.asInt(), Access.tokenActor(ctx));
        ctx.status(202).json(Map.of("job", Map.of("id", job)));
    }

    private Instance named(Context ctx) {
        return instances.find(ctx.pathParam("name"))
                .orElseThrow(() -> Refusal.notFound("no instance named '" + ctx.pathParam("name") + "'"));
    }

    /** Polls a Misskey instance now (the admin's "did it work?" after setting a token). */
    private void poll(Context ctx) {
        Instance i = named(ctx);
        if (i.kind() != InstanceKind.MISSKEY) throw Refusal.invalid("only Misskey instances are polled");
        if (i.apiToken() == null) throw Refusal.invalid("instance " + i.name() + " has no API token yet");
        Optional<Integer> queued = polls.poll(i, true);
        if (queued.isEmpty()) throw new Refusal(Refusal.Kind.CONFLICT, "busy", "another node is polling " + i.name() + " right now");
        Optional<PollState> state = polls.state(i);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queued", queued.get());
        out.put("poll", state.map(PollState::toJson).orElse(null));
        // the instance refused or failed: a gateway error, with what it said in poll.last_error
        ctx.status(state.map(PollState::lastError).isPresent() ? 502 : 200).json(out);
    }

    private void connect(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "{\"actions\": [\"report\", ...]}");
        java.util.Set<String> actions = new java.util.LinkedHashSet<>();
        body.path("actions").forEach(a -> actions.add(a.asText()));
        if (actions.isEmpty()) actions.add("report");
        Instance i = named(ctx);
        ctx.json(Map.of("authorize_url", i.kind() == InstanceKind.MISSKEY ? misskeyConnect.start(i.name(), actions)
                : connect.start(i.name(), actions)));
    }

    /** Back from Misskey's approval page: to the instances page, which says whether it worked. */
    private void miauthCallback(Context ctx) {
        Instance i = misskeyConnect.finish(ctx.pathParam("name"), ctx.queryParam("session"));
        ctx.redirect("/instances?connected=" + java.net.URLEncoder.encode(i.name(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private void callback(Context ctx) {
        Instance i = connect.finish(ctx.pathParam("name"), ctx.queryParam("code"), ctx.queryParam("state"));
        ctx.json(Map.of("result", "connected", "instance", i.name(), "has_token", i.apiToken() != null,
                "webhook_path", i.webhookPath(),
                "next", "in Administration > Webhooks, add this path on Sightline's public address with the secret"
                        + " shown when the instance was added; GET /api/v1/instances/" + i.name()
                        + " shows when the first verified event arrived"));
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
                text(body, "fail_mode"), budget, text(body, "watch")), Access.tokenActor(ctx));
        Map<String, Object> out = new LinkedHashMap<>(added.instance().toJson());
        if (added.generatedSecret() != null) out.put("webhook_secret", added.generatedSecret());
        out.put("webhook_path", added.instance().webhookPath());
        ctx.status(201).json(out);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
