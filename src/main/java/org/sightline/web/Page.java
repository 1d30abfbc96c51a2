package org.sightline.web;

import org.sightline.access.Access;
import io.javalin.http.Context;
import org.sightline.access.PanelSession;

import java.util.HashMap;
import java.util.Map;

/** Renders a panel page with what the layout needs: the user, the CSRF token, the current path. */
public final class Page {
    private Page() {
    }

    public static void render(Context ctx, String template, Map<String, Object> model) {
        Map<String, Object> m = new HashMap<>(model);
        PanelSession s = Access.requireSession(ctx);
        m.put("me", s.user());
        m.put("csrf", s.csrfToken());
        m.put("path", ctx.path());
        StaticRoutes.securityHeaders(ctx);
        ctx.render(template, m);
    }

    /** A page for a refused or failed panel request, with the status. */
    public static void error(Context ctx, int status, String message) {
        ctx.status(status);
        StaticRoutes.securityHeaders(ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("status", status);
        m.put("message", message);
        PanelSession s = Access.session(ctx);
        if (s != null) {
            m.put("me", s.user());
            m.put("csrf", s.csrfToken());
        }
        ctx.render("error.peb", m);
    }
}
