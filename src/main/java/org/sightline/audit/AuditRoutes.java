package org.sightline.audit;

import org.sightline.access.Access;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.common.Refusal;
import org.sightline.web.Page;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The audit log page (filters, paging) and its CSV export; admins only, as it shows everyone's reveals. */
public final class AuditRoutes {
    private static final int PAGE = 100;
    private final AuditLog audit;

    private AuditRoutes(AuditLog audit) {
        this.audit = audit;
    }

    public static void register(RoutesConfig routes, AuditLog audit) {
        AuditRoutes r = new AuditRoutes(audit);
        routes.get("/audit", r::page, Access.panel(Role.ADMIN));
        routes.get("/audit.csv", r::csv, Access.panel(Role.ADMIN));
        routes.get("/api/v1/audit", r::api, Access.token(Scope.ADMIN));
    }

    private void page(Context ctx) {
        long before = parse(ctx.queryParam("before"));
        List<AuditEvent> events = audit.search(q(ctx, "actor"), q(ctx, "action"), q(ctx, "target"), before, PAGE);
        Map<String, Object> m = new HashMap<>();
        m.put("events", events);
        m.put("actor", q(ctx, "actor"));
        m.put("action", q(ctx, "action"));
        m.put("target", q(ctx, "target"));
        if (events.size() == PAGE) m.put("nextBefore", events.get(events.size() - 1).seq());
        Page.render(ctx, "audit.peb", m);
    }

    /**
     * {@code GET /api/v1/audit?actor=&action=&target=&since=&before=&limit=}: newest first, {@code limit} (1-1000,
     * default 100) events with {@code seq < before}; {@code next} is the {@code before} of the next page, or null.
     */
    private void api(Context ctx) {
        long before = Long.MAX_VALUE;
        if (ctx.queryParam("before") != null) {
            try {
                before = Long.parseLong(ctx.queryParam("before").trim());
            } catch (NumberFormatException e) {
                throw Refusal.invalid("before must be a sequence number");
            }
        }
        int limit = PAGE;
        if (ctx.queryParam("limit") != null) {
            try {
                limit = Integer.parseInt(ctx.queryParam("limit").trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) throw Refusal.invalid("limit must be 1 to 1000");
        }
        Instant since = Instant.EPOCH;
        if (ctx.queryParam("since") != null && !ctx.queryParam("since").isBlank()) {
            try {
                since = Instant.parse(ctx.queryParam("since").trim());
            } catch (DateTimeParseException e) {
                throw Refusal.invalid("since must be an ISO-8601 instant, e.g. 2026-01-31T00:00:00Z");
            }
        }
        // one more than asked tells whether there is a next page
        List<AuditEvent> events = audit.search(q(ctx, "actor"), q(ctx, "action"), q(ctx, "target"), since, before,
                limit + 1);
        boolean more = events.size() > limit;
        if (more) events = events.subList(0, limit);
        List<Map<String, Object>> out = new ArrayList<>(events.size());
        for (AuditEvent e : events) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", e.seq());
            m.put("at", e.at().toString());
            m.put("actor", e.actor());
            m.put("action", e.action());
            m.put("target", e.target());
            m.put("detail", e.detail());
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", out);
        body.put("next", more ? events.get(events.size() - 1).seq() : null);
        ctx.header("Cache-Control", "no-store").json(body);
    }

    private void csv(Context ctx) {
        StringBuilder sb = new StringBuilder("seq,at,actor,action,target,detail,prev_hash,hash\r\n");
        long before = Long.MAX_VALUE;
        while (true) {
            List<AuditEvent> events = audit.search(q(ctx, "actor"), q(ctx, "action"), q(ctx, "target"), before, 1000);
            for (AuditEvent e : events) {
                sb.append(e.seq()).append(',').append(cell(e.at().toString())).append(',').append(cell(e.actor()))
                        .append(',').append(cell(e.action())).append(',').append(cell(e.target())).append(',')
                        .append(cell(e.detail())).append(',').append(e.prevHash()).append(',').append(e.hash())
                        .append("\r\n");
            }
            if (events.size() < 1000) break;
            before = events.get(events.size() - 1).seq();
        }
        ctx.header("Content-Disposition", "attachment; filename=\"sightline-audit.csv\"")
                .header("Cache-Control", "no-store").contentType("text/csv; charset=utf-8").result(sb.toString());
    }

    /** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
    static String cell(String v) {
        String s = v == null ? "" : v;
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) s = "'" + s;
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static long parse(String s) {
        try {
            return s == null ? Long.MAX_VALUE : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String q(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null ? "" : v.trim();
    }
}
