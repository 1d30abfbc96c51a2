package org.sightline.actions;

import org.sightline.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Scope;
import org.sightline.access.Role;
import org.sightline.common.Refusal;
import org.sightline.web.HttpRefusals;
import org.sightline.web.JsonBody;
import org.sightline.web.Page;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plugin settings, admins only: the settings page ({@code /settings/plugins}, one form per plugin) and
 * {@code PUT /api/v1/plugins/{name}}. Secrets are never sent back: a secret field left empty keeps its value.
 */
public final class PluginSettingsRoutes {
    private final Plugins plugins;
    private final ObjectMapper json;

    private PluginSettingsRoutes(Plugins plugins, ObjectMapper json) {
        this.plugins = plugins;
        this.json = json;
    }

    public static void register(RoutesConfig routes, Plugins plugins, ObjectMapper json) {
        PluginSettingsRoutes r = new PluginSettingsRoutes(plugins, json);
        routes.get("/api/v1/plugins", ctx -> ctx.json(Map.of("plugins", plugins.describe())), Access.token(Scope.ADMIN));
        routes.put("/api/v1/plugins/{name}", r::apiUpdate, Access.token(Scope.ADMIN));
        routes.get("/settings/plugins", ctx -> r.page(ctx, 200, Map.of()), Access.panel(Role.ADMIN));
        routes.post("/settings/plugins/{name}", r::formUpdate, Access.panel(Role.ADMIN));
    }

    private void page(Context ctx, int status, Map<String, Object> extra) {
        Map<String, Object> model = new HashMap<>(extra);
        model.put("plugins", plugins.describe());
        if (ctx.queryParam("saved") != null) model.put("saved", ctx.queryParam("saved"));
        ctx.status(status);
        Page.render(ctx, "plugin_settings.peb", model);
    }

    /**
     * Each field arrives as {@code f.<field>}; {@code reset.<field>} goes back to the configuration and
     * {@code clear.<field>} unsets a secret (an empty secret input means "keep"). The switch is
     * {@code enabled}, present only when ticked.
     */
    private void formUpdate(Context ctx) {
        String name = ctx.pathParam("name");
        Plugins.PluginView view = plugins.describe().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> Refusal.notFound("no plugin '" + name + "'"));
        Map<String, String> values = new LinkedHashMap<>();
        for (Plugins.FieldView f : view.fields()) {
            String submitted = ctx.formParam("f." + f.name());
            if (ctx.formParam("reset." + f.name()) != null) {
                values.put(f.name(), null);
            } else if (f.secret()) {
                if (ctx.formParam("clear." + f.name()) != null) values.put(f.name(), "");
                else if (submitted != null && !submitted.isEmpty()) values.put(f.name(), submitted);
            } else if (submitted != null) {
                values.put(f.name(), submitted);
            }
        }
        try {
            plugins.update(name, values, ctx.formParam("enabled") != null, Access.requireSession(ctx).user().name());
            ctx.redirect("/settings/plugins?saved=" + name + "#plugin-" + name);
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage(), "failed", name));
        }
    }

    /** {@code {"settings": {"field": "value" | "" (unset) | null (back to configuration)}, "enabled": true}}. */
    private void apiUpdate(Context ctx) {
        String name = ctx.pathParam("name");
        JsonNode body = JsonBody.object(ctx, json, "{\"settings\": {\"field\": \"value\"}, \"enabled\": true}");
        JsonNode settings = body.path("settings");
        if (!settings.isMissingNode() && !settings.isObject()) throw Refusal.invalid("settings must be an object");
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isNull() && !v.isValueNode()) throw Refusal.invalid(e.getKey() + " must be a string, number, boolean or null");
            values.put(e.getKey(), v.isNull() ? null : v.asText());
        }
        JsonNode enabled = body.get("enabled");
        if (enabled != null && !enabled.isBoolean()) throw Refusal.invalid("enabled must be true or false");
        plugins.update(name, values, enabled == null ? null : enabled.asBoolean(), "token:" + Access.principal(ctx).name());
        Plugins.PluginView view = plugins.describe().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
        ctx.json(view);
    }
}
