package org.sightline.review;

import org.sightline.access.Access;
import io.javalin.config.RoutesConfig;
import org.sightline.access.Role;
import org.sightline.web.Page;

import java.util.HashMap;
import java.util.Map;

/** The dashboard at {@code /}. */
public final class DashboardRoutes {
    private DashboardRoutes() {
    }

    public static void register(RoutesConfig routes, Dashboard dashboard) {
        routes.get("/", ctx -> {
            Dashboard.Figures f = dashboard.figures(Access.requireSession(ctx).user());
            Map<String, Object> m = new HashMap<>();
            m.put("f", f);
            m.put("queueSizes", dashboard.queueSizes());
            m.put("firstActionPerDay", f.firstActionMinutesPerDay());
            m.put("oldest", Dashboard.human(f.oldestOpenAge()));
            m.put("p50", Dashboard.human(f.firstActionP50()));
            m.put("p95", Dashboard.human(f.firstActionP95()));
            Page.render(ctx, "dashboard.peb", m);
        }, Access.panel(Role.VIEWER));
    }
}
