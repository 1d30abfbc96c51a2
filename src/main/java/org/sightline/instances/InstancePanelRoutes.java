package org.sightline.instances;

import org.sightline.access.Access;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.audit.AuditLog;
import org.sightline.access.Role;
import org.sightline.common.Refusal;
import org.sightline.web.HttpRefusals;
import org.sightline.web.Page;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The admins' {@code /instances} page: add an instance, connect it with OAuth or paste a token created on it,
 * see its webhook (or, for Misskey, its polls).
 */
public final class InstancePanelRoutes {
    private final InstanceService instances;
    private final MastodonConnect connect;
    private final MisskeyConnect misskeyConnect;
    private final Polls polls;
    private final Follows follows;
    private final org.sightline.jobs.Jobs jobs;
    private final AuditLog audit;
    private final String publicUrl;
    private final TokenScopes scopes = new TokenScopes();

    private InstancePanelRoutes(InstanceService instances, MastodonConnect connect, MisskeyConnect misskeyConnect,
                                Polls polls, Follows follows, org.sightline.jobs.Jobs jobs, AuditLog audit,
                                String publicUrl) {
        this.follows = follows;
        this.jobs = jobs;
        this.instances = instances;
        this.connect = connect;
        this.misskeyConnect = misskeyConnect;
        this.polls = polls;
        this.audit = audit;
        this.publicUrl = publicUrl;
    }

    public static void register(RoutesConfig routes, InstanceService instances, MastodonConnect connect,
                                MisskeyConnect misskeyConnect, Polls polls, Follows follows, org.sightline.jobs.Jobs jobs,
                                AuditLog audit, String publicUrl) {
        InstancePanelRoutes r = new InstancePanelRoutes(instances, connect, misskeyConnect, polls, follows, jobs, audit,
                publicUrl);
        routes.get("/instances", r::show, Access.panel(Role.ADMIN));
        routes.post("/instances", r::add, Access.panel(Role.ADMIN));
        routes.post("/instances/{name}/connect", r::connect, Access.panel(Role.ADMIN));
        routes.post("/instances/{name}/token", r::token, Access.panel(Role.ADMIN));
        routes.post("/instances/{name}/check-token", r::checkToken, Access.panel(Role.ADMIN));
        routes.post("/instances/{name}/poll", r::poll, Access.panel(Role.ADMIN));
        routes.post("/instances/{name}/remove", r::remove, Access.panel(Role.ADMIN));
        routes.post("/instances/{name}/watch", r::watch, Access.panel(Role.ADMIN));
        routes.post("/instances/{name}/backfill", r::backfill, Access.panel(Role.ADMIN));
    }

    /** The page; after a MiAuth approval ({@code ?connected=name}) it confirms the connection if it really holds. */
    private void show(Context ctx) {
        String connected = ctx.queryParam("connected");
        boolean holds = connected != null && instances.find(connected).map(i -> i.apiToken() != null).orElse(false);
        page(ctx, 200, holds ? Map.of("connected", connected) : Map.of());
    }

    private void page(Context ctx, int status, Map<String, Object> extra) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Instance i : instances.list()) {
            Map<String, Object> row = new HashMap<>();
            row.put("name", i.name());
            row.put("kind", i.kind().wireName()); // the template compares it with string literals
            row.put("url", i.baseUrl());
            row.put("webhookPath", i.webhookPath());
            row.put("hasToken", i.apiToken() != null);
            row.put("lastEvent", instances.lastEventAt(i).map(Object::toString).orElse(null));
            if (i.kind() == InstanceKind.MISSKEY) row.put("poll", polls.state(i).orElse(null));
            row.put("followable", i.followable());
            row.put("watch", i.watch().wireName());
            if (i.followable()) row.put("follow", follows.state(i).map(FollowState::toJson).orElse(null));
            // the latest long job about it (a backfill): the page's progress bar follows it live
            jobs.recent("instance:" + i.name(), 1).stream().findFirst().ifPresent(j -> row.put("job", j.toJson()));
            rows.add(row);
        }
        Map<String, Object> model = new HashMap<>(extra);
        model.put("instances", rows);
        model.put("watches", Arrays.stream(Watch.values()).map(Watch::wireName).toList());
        model.put("kinds", new TreeSet<>(Arrays.stream(InstanceKind.values()).map(InstanceKind::wireName).toList()));
        model.put("publicUrl", publicUrl);
        ctx.status(status);
        Page.render(ctx, "instances.peb", model);
    }

    private void add(Context ctx) {
        String admin = Access.requireSession(ctx).user().name();
        try {
            InstanceService.Added added = instances.add(new InstanceService.NewInstance(ctx.formParam("name"),
                    ctx.formParam("kind"), ctx.formParam("url"), null, null, null, null, null), admin);
            Map<String, Object> extra = new HashMap<>();
            extra.put("added", Map.of("name", added.instance().name(), "kind", added.instance().kind().wireName()));
            String path = added.instance().webhookPath();
            extra.put("webhookPath", path == null ? "" : path);
            if (added.generatedSecret() != null) extra.put("secret", added.generatedSecret());
            page(ctx, 201, extra);
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    /** Stores a pasted token; the audit event and the page name the instance, never the token. */
    private void token(Context ctx) {
        String name = ctx.pathParam("name");
        try {
            String admin = Access.requireSession(ctx).user().name();
            Instance instance = instances.setApiToken(name, ctx.formParam("token"),
                    h -> audit.append(h, admin, "instance_token", "instance:" + name, ""));
            TokenScopes.Checked checked = scopes.check(instance, ctx.formParam("token").trim());
            instances.recordTokenScopes(instance, checked, admin);
            page(ctx, 200, Map.of("tokenSet", instance.name(), "tokenScopes", checked.note()));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    /** Asks the instance again what its stored token may do (a token set from the command line, a changed app). */
    private void checkToken(Context ctx) {
        String name = ctx.pathParam("name");
        String admin = Access.requireSession(ctx).user().name();
        Instance instance = instances.find(name).orElse(null);
        String token = instance == null ? null : instances.apiToken(instance).orElse(null);
        if (token == null) {
            page(ctx, 400, Map.of("error", "no API token is stored for " + name));
            return;
        }
        TokenScopes.Checked checked = scopes.check(instance, token);
        instances.recordTokenScopes(instance, checked, admin);
        page(ctx, 200, Map.of("tokenChecked", name, "tokenScopes", checked.note()));
    }

    private void remove(Context ctx) {
        try {
            Instance removed = instances.remove(ctx.pathParam("name"), Access.requireSession(ctx).user().name());
            page(ctx, 200, Map.of("removed", removed.name()));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    private void poll(Context ctx) {
        String name = ctx.pathParam("name");
        Instance instance = instances.find(name).orElse(null);
        if (instance == null || instance.kind() != InstanceKind.MISSKEY || instance.apiToken() == null) {
            page(ctx, 400, Map.of("error", "only a Misskey instance with a token can be polled"));
            return;
        }
        Optional<Integer> queued = polls.poll(instance, true);
        if (queued.isEmpty()) {
            page(ctx, 409, Map.of("error", "another node is polling " + name + " right now; try again in a moment"));
            return;
        }
        String error = polls.state(instance).map(PollState::lastError).orElse(null);
        if (error != null) {
            page(ctx, 502, Map.of("error", "Polling " + name + " failed: " + error));
            return;
        }
        page(ctx, 200, Map.of("polled", Map.of("name", name, "queued", queued.get())));
    }

    /** Sets which public timelines are followed; audited by the service with the change. */
    private void watch(Context ctx) {
        String name = ctx.pathParam("name");
        try {
            Instance changed = instances.setWatch(name, ctx.formParam("watch"), Access.requireSession(ctx).user().name());
            page(ctx, 200, Map.of("watchSet", Map.of("name", changed.name(), "watch", changed.watch().wireName())));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    /** Starts a backfill job; the page shows its progress bar. */
    private void backfill(Context ctx) {
        String name = ctx.pathParam("name");
        try {
            Instance instance = instances.find(name).orElseThrow(() -> Refusal.notFound("no instance named '" + name + "'"));
            int days;
            try {
                days = Integer.parseInt(ctx.formParam("days") == null ? "" : ctx.formParam("days").trim());
            } catch (NumberFormatException e) {
                throw Refusal.invalid(Follows.DAYS_RULE);
            }
            long job = follows.backfill(instance, days, Access.requireSession(ctx).user().name());
            page(ctx, 202, Map.of("backfillJob", Map.of("name", name, "id", job)));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    private void connect(Context ctx) {
        String name = ctx.pathParam("name");
        try {
            Set<String> actions = new LinkedHashSet<>(ctx.formParams("action"));
            boolean misskey = instances.find(name).map(i -> i.kind() == InstanceKind.MISSKEY).orElse(false);
            String authorize = misskey ? misskeyConnect.start(name, actions) : connect.start(name, actions);
            audit.append(Access.requireSession(ctx).user().name(), "instance_connect", "instance:" + name,
                    "actions=" + String.join(",", ctx.formParams("action")));
            ctx.redirect(authorize);
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }
}
