package org.sightline.dsa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Access;
import org.sightline.access.PanelSession;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.common.Refusal;
import org.sightline.web.ClientAddress;
import org.sightline.web.Cookies;
import org.sightline.web.JsonBody;
import org.sightline.web.Page;
import org.sightline.web.StaticRoutes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements API and export, the public appeal page, the appeals queue (API and panel) and the transparency
 * report (API, page, CSV).
 */
public final class DsaRoutes {
    /** The appeal form's double-submit CSRF cookie (the page needs no account). */
    static final String APPEAL_COOKIE = "sightline_appeal";

    private final StatementService statements;
    private final AppealService appeals;
    private final Transparency transparency;
    private final ObjectMapper json;
    private final ClientAddress clients;
    private final Cookies cookies;
    private final SecureRandom random;
    private final Clock clock;

    private DsaRoutes(StatementService statements, AppealService appeals, Transparency transparency, ObjectMapper json,
                      ClientAddress clients, Cookies cookies, SecureRandom random, Clock clock) {
        this.statements = statements;
        this.appeals = appeals;
        this.transparency = transparency;
        this.json = json;
        this.clients = clients;
        this.cookies = cookies;
        this.random = random;
        this.clock = clock;
    }

    public static void register(RoutesConfig routes, StatementService statements, AppealService appeals,
                                Transparency transparency, ObjectMapper json, ClientAddress clients, Cookies cookies,
                                SecureRandom random, Clock clock) {
        DsaRoutes r = new DsaRoutes(statements, appeals, transparency, json, clients, cookies, random, clock);
        routes.get("/api/v1/statements", r::list, Access.token(Scope.ADMIN));
        routes.get("/api/v1/statements/export", r::export, Access.token(Scope.ADMIN));
        routes.get("/api/v1/statements/{puid}", ctx -> ctx.json(statements.apiJson(statements.get(ctx.pathParam("puid")))),
                Access.token(Scope.ADMIN));
        routes.get("/appeal/{token}", r::appealPage, Access.open());
        routes.post("/appeal/{token}", r::appealSubmit, Access.open());
        routes.get("/api/v1/appeals", r::appealList, Access.token(Scope.REVIEW));
        routes.post("/api/v1/appeals/{id}/decision", r::appealDecisionApi, Access.token(Scope.REVIEW));
        routes.get("/appeals", r::appealsPage, Access.panel(Role.MODERATOR));
        routes.post("/appeals/{id}/decision", r::appealDecisionPanel, Access.panel(Role.MODERATOR));
        routes.get("/api/v1/transparency", ctx -> ctx.json(transparency.report(r.from(ctx), r.to(ctx)).toJson()),
                Access.token(Scope.ADMIN));
        boolean open = statements.settings().transparencyPublic();
        routes.get("/transparency", r::transparencyPage, open ? Access.open() : Access.panel(Role.VIEWER));
        routes.get("/transparency.csv", r::transparencyCsv, open ? Access.open() : Access.panel(Role.VIEWER));
    }

    // statements

    private void list(Context ctx) {
        int limit = intParam(ctx, "limit", 100, 1, 1000);
        long before = ctx.queryParam("before") == null ? Long.MAX_VALUE : intParam(ctx, "before", 0, 1, Integer.MAX_VALUE);
        List<Statement> page = statements.page(from(ctx), to(ctx), before, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("statements", page.stream().map(statements::apiJson).toList());
        out.put("next", page.size() == limit ? page.get(page.size() - 1).id() : null);
        ctx.json(out);
    }

    /** {@code ?format=json} (default): {@code {"statements": [...]}} in the database's shape; {@code csv}. */
    private void export(Context ctx) {
        List<Statement> all = new ArrayList<>();
        long before = Long.MAX_VALUE;
        Instant from = from(ctx), to = to(ctx);
        while (all.size() < 100_000) {
            List<Statement> page = statements.page(from, to, before, 1000);
            all.addAll(page);
            if (page.size() < 1000) break;
            before = page.get(page.size() - 1).id();
        }
        String format = ctx.queryParam("format") == null ? "json" : ctx.queryParam("format");
        if (format.equals("csv")) {
            StringBuilder csv = new StringBuilder();
            csv.append(csvLine(StatementService.CSV_COLUMNS));
            for (Statement s : all) csv.append(csvLine(StatementService.csvRow(s)));
            ctx.header("Content-Disposition", "attachment; filename=\"statements.csv\"");
            ctx.contentType("text/csv; charset=utf-8").result(csv.toString());
        } else if (format.equals("json")) {
            ctx.json(Map.of("statements", all.stream().map(StatementService::tdbJson).toList()));
        } else {
            throw Refusal.invalid("format must be json or csv");
        }
    }

    // the public appeal page

    private void appealPage(Context ctx) {
        String token = ctx.pathParam("token");
        if (!admit(ctx, token)) return;
        AppealService.Link link;
        try {
            link = appeals.link(token);
        } catch (Refusal e) {
            publicPage(ctx, 404, Map.of("invalid", true));
            return;
        }
        publicPage(ctx, link.expired() && link.appeal().isEmpty() ? 410 : 200, model(link));
    }

    private void appealSubmit(Context ctx) {
        String token = ctx.pathParam("token");
        if (!admit(ctx, token)) return;
        String cookie = ctx.cookie(APPEAL_COOKIE);
        String field = ctx.formParam("csrf");
        if (cookie == null || field == null || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8),
                field.getBytes(StandardCharsets.UTF_8))) {
            publicPage(ctx, 403, Map.of("invalid", true, "error",
                    "The form expired or did not come from this page. Open the link again and resend."));
            return;
        }
        AppealService.Link link;
        try {
            link = appeals.link(token);
        } catch (Refusal e) {
            publicPage(ctx, 404, Map.of("invalid", true));
            return;
        }
        String text = ctx.formParam("text");
        try {
            appeals.submit(token, text);
        } catch (Refusal e) {
            Map<String, Object> m = new HashMap<>(model(link));
            m.put("error", e.getMessage());
            m.put("text", text == null ? "" : text.length() > AppealService.MAX_TEXT ? "" : text);
            publicPage(ctx, org.sightline.web.HttpRefusals.status(e), m);
            return;
        }
        Map<String, Object> m = new HashMap<>(model(appeals.link(token)));
        m.put("sent", true);
        publicPage(ctx, 200, m);
    }

    /** The limits per link and per address: past them, 429 and nothing read. */
    private boolean admit(Context ctx, String token) {
        String key = token.length() > 100 ? token.substring(0, 100) : token;
        if (!appeals.admit(key, clients.of(ctx))) {
            ctx.header("Retry-After", "3600");
            publicPage(ctx, 429, Map.of("invalid", true, "error", "Too many requests. Please try again later."));
            return false;
        }
        return true;
    }

    private Map<String, Object> model(AppealService.Link link) {
        Statement s = link.statement();
        Map<String, Object> m = new HashMap<>();
        m.put("s", s);
        m.put("restriction", StatementService.restriction(s.action(), s.actionType()));
        m.put("how", StatementService.automation(s));
        m.put("deadline", s.appealDeadline().atOffset(ZoneOffset.UTC).toLocalDate().toString());
        m.put("expired", link.expired());
        link.appeal().ifPresent(a -> m.put("appeal", a));
        m.put("maxText", AppealService.MAX_TEXT);
        return m;
    }

    private void publicPage(Context ctx, int status, Map<String, Object> model) {
        Map<String, Object> m = new HashMap<>(model);
        String t = ctx.cookie(APPEAL_COOKIE);
        if (t == null || t.length() < 20 || t.length() > 100) {
            byte[] b = new byte[24];
            random.nextBytes(b);
            t = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            cookies.set(ctx, APPEAL_COOKIE, t);
        }
        m.put("csrf", t);
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        ctx.header("Referrer-Policy", "no-referrer"); // the link is the person's key
        StaticRoutes.securityHeaders(ctx);
        ctx.render("appeal.peb", m);
    }

    // appeals queue

    private List<Map<String, Object>> appealsJson(String state) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Appeal a : appeals.list(state, 500)) out.add(appealJson(a));
        return out;
    }

    private Map<String, Object> appealJson(Appeal a) {
        Statement s = appeals.statementOf(a);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("state", a.state());
        m.put("statement", s.puid());
        m.put("case", s.caseId());
        m.put("media", s.mediaId());
        m.put("restriction", StatementService.restriction(s.action(), s.actionType()));
        m.put("original_decider", s.decidedBy());
        m.put("text", a.body());
        m.put("created_at", a.createdAt().toString());
        m.put("decided_by", a.decidedBy());
        m.put("decided_at", a.decidedAt() == null ? null : a.decidedAt().toString());
        m.put("reason", a.reason());
        m.put("undo", a.undoSummary());
        return m;
    }

    private void appealList(Context ctx) {
        ctx.json(Map.of("appeals", appealsJson(ctx.queryParam("state"))));
    }

    private void appealDecisionApi(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json, "{\"outcome\": \"upheld\"|\"overturned\", \"reason\": \"...\"}");
        Appeal a = appeals.decide(id(ctx), Access.tokenActor(ctx), body.path("outcome").asText(null),
                body.path("reason").asText(null));
        ctx.json(appealJson(a));
    }

    private void appealsPage(Context ctx) {
        String state = ctx.queryParam("state") == null ? Appeal.OPEN : ctx.queryParam("state");
        Page.render(ctx, "appeals.peb", Map.of("appeals", appealsJson(state), "state", state));
    }

    private void appealDecisionPanel(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        appeals.decide(id(ctx), s.user().name(), ctx.formParam("outcome"), ctx.formParam("reason"));
        ctx.redirect("/appeals");
    }

    // transparency

    private void transparencyPage(Context ctx) {
        Transparency.Report r = transparency.report(from(ctx), to(ctx));
        Map<String, Object> m = new HashMap<>();
        m.put("r", r);
        Map<String, Long> weeks = new LinkedHashMap<>();
        r.perWeek().forEach((k, v) -> weeks.put(k.toString().substring(5), v));
        m.put("weeks", weeks);
        Map<String, Long> categories = new LinkedHashMap<>();
        r.byCategory().forEach((k, v) -> categories.put(k.replace("STATEMENT_CATEGORY_", "").toLowerCase(), v));
        m.put("categories", categories);
        m.put("fromDate", LocalDate.ofInstant(r.from(), ZoneOffset.UTC).toString());
        m.put("toDate", LocalDate.ofInstant(r.to(), ZoneOffset.UTC).toString());
        PanelSession session = Access.session(ctx);
        if (session != null) {
            m.put("me", session.user());
            m.put("csrf", session.csrfToken());
        }
        m.put("path", ctx.path());
        StaticRoutes.securityHeaders(ctx);
        ctx.render("transparency.peb", m);
    }

    private void transparencyCsv(Context ctx) {
        StringBuilder csv = new StringBuilder();
        for (List<String> row : Transparency.csv(transparency.report(from(ctx), to(ctx)))) csv.append(csvLine(row));
        ctx.header("Content-Disposition", "attachment; filename=\"transparency.csv\"");
        ctx.contentType("text/csv; charset=utf-8").result(csv.toString());
    }

    // parameters

    /** {@code from}: a date (UTC midnight) or an instant; default a year before {@code to}. */
    private Instant from(Context ctx) {
        Instant to = to(ctx);
        Instant from = instant(ctx, "from", to.minus(Duration.ofDays(365)));
        if (!from.isBefore(to)) throw Refusal.invalid("from must be before to");
        return from;
    }

    private Instant to(Context ctx) {
        String raw = ctx.queryParam("to");
        Instant to = instant(ctx, "to", clock.instant().plusSeconds(1));
        // a date names the whole day
        return raw != null && raw.trim().length() == 10 ? to.plus(Duration.ofDays(1)) : to;
    }

    private static Instant instant(Context ctx, String name, Instant fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return fallback;
        v = v.trim();
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw Refusal.invalid(name + " must be a date (2026-01-31) or an ISO-8601 instant");
        }
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no appeal " + ctx.pathParam("id"));
        }
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw Refusal.invalid(name + " must be a number from " + min + " to " + max);
        }
    }

    static String csvLine(List<String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) b.append(',');
            String c = cells.get(i) == null ? "" : cells.get(i);
            // a cell a spreadsheet would run as a formula is quoted as text
            if (!c.isEmpty() && "=+-@".indexOf(c.charAt(0)) >= 0) c = "'" + c;
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r") || c.startsWith("'")) {
                c = "\"" + c.replace("\"", "\"\"") + "\"";
            }
            b.append(c);
        }
        return b.append("\r\n").toString();
    }
}
