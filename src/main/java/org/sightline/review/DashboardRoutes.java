package org.sightline.review;

import io.javalin.config.RoutesConfig;
import org.sightline.auth.AuthGuard;
import org.sightline.users.Role;
import org.sightline.web.Page;

import java.util.HashMap;
import java.util.Map;

/** The dashboard at {@code /}. */
public final class DashboardRoutes {
    private DashboardRoutes() {
    }

    public static void register(RoutesConfig routes, AuthGuard guard, Dashboard dashboard) {
        routes.get("/", guard.session(Role.VIEWER, ctx -> {
            Dashboard.Figures f = dashboard.figures(AuthGuard.panelSession(ctx).user());
            Map<String, Object> m = new HashMap<>();
            m.put("f", f);
            m.put("oldest", Dashboard.human(f.oldestOpenAge()));
            m.put("p50", Dashboard.human(f.firstActionP50()));
            m.put("p95", Dashboard.human(f.firstActionP95()));
            Page.render(ctx, "dashboard.peb", m);
        }));
    }
}
