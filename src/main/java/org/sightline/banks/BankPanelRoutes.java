package org.sightline.banks;

import org.sightline.access.Access;
import org.sightline.common.Refusal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import org.sightline.audit.AuditLog;
import org.sightline.access.PanelSession;
import org.sightline.access.Role;
import org.sightline.web.HttpRefusals;
import org.sightline.web.Page;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The panel's banks page: list with counts, entries, settings, uploads of {@code pdq <hex>} lines, retraction. */
public final class BankPanelRoutes {
    private static final int MAX_UPLOAD = 5 * 1024 * 1024;
    private final BankService banks;
    private final AuditLog audit;

    private BankPanelRoutes(BankService banks, AuditLog audit) {
        this.banks = banks;
        this.audit = audit;
    }

    public static void register(RoutesConfig routes, BankService banks, AuditLog audit) {
        register(routes, banks, audit, null);
    }

    /** The bank pages, with the known-media upload when {@code content} is given. */
    public static void register(RoutesConfig routes, BankService banks, AuditLog audit, BankContent content) {
        BankPanelRoutes r = new BankPanelRoutes(banks, audit);
        if (content != null) {
            routes.post("/banks/{name}/content", ctx -> r.addContent(ctx, content), Access.panel(Role.ADMIN));
        }
        routes.get("/banks", r::list, Access.panel(Role.MODERATOR));
        routes.post("/banks", r::create, Access.panel(Role.ADMIN));
        routes.get("/banks/{name}", r::bank, Access.panel(Role.MODERATOR));
        routes.post("/banks/{name}/settings", r::settings, Access.panel(Role.ADMIN));
        routes.post("/banks/{name}/entries", r::addEntries, Access.panel(Role.ADMIN));
        routes.post("/banks/{name}/entries/{id}/retract", r::retract, Access.panel(Role.ADMIN));
        routes.post("/banks/{name}/archive", r::archive, Access.panel(Role.ADMIN));
        routes.post("/banks/{name}/remove", r::remove, Access.panel(Role.ADMIN));
    }

    private void list(Context ctx) {
        list(ctx, null);
    }

    private void list(Context ctx, String error) {
        list(ctx, error, null);
    }

    /** {@code form}: the new-bank form as it was sent when refused, shown again. */
    private void list(Context ctx, String error, Map<String, Object> form) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Bank b : banks.list()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("bank", b);
            row.put("count", banks.countActive(b.id()));
            rows.add(row);
        }
        Map<String, Object> m = new HashMap<>();
        m.put("rows", rows);
        m.put("kinds", List.of(BankKind.values()));
        m.put("policies", List.of(BankPolicy.values()));
        m.put("modes", List.of(BankMode.values()));
        m.put("labels", Labels.TAXONOMY);
        if (error != null) {
            m.put("error", error);
            ctx.status(400);
        }
        if (form != null) m.put("form", form);
        Page.render(ctx, "banks.peb", m);
    }

    private void create(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        try {
            Bank b = banks.create(new BankService.BankSpec(ctx.formParam("name"), ctx.formParam("kind"),
                    ctx.formParam("policy"), ctx.formParam("mode"), ctx.formParams("label"), null, null, null), s.user().name());
        } catch (Refusal e) {
            Map<String, Object> form = new HashMap<>();
            for (String f : List.of("name", "kind", "policy", "mode")) {
                form.put(f, ctx.formParam(f) == null ? "" : ctx.formParam(f));
            }
            form.put("labels", ctx.formParams("label"));
            list(ctx, e.getMessage(), form);
            return;
        }
        ctx.redirect("/banks");
    }

    private void bank(Context ctx) {
        bank(ctx, null, null);
    }

    private void bank(Context ctx, String error, String done) {
        bank(ctx, error, done, null);
    }

    /** {@code form}: what the add-entries form held when it was refused, shown again so nothing is lost. */
    private void bank(Context ctx, String error, String done, Map<String, Object> form) {
        Bank b;
        try {
            b = banks.get(ctx.pathParam("name"));
        } catch (Refusal e) {
            Page.error(ctx, 404, e.getMessage());
            return;
        }
        List<BankEntry> entries = new ArrayList<>();
        // The newest 500 in id order are enough to find and retract a mistake; the API exports all.
        banks.forEachEntry(b.name(), true, e -> {
            entries.add(e);
            if (entries.size() > 500) entries.remove(0);
        });
        Map<String, Object> m = new HashMap<>();
        m.put("bank", b);
        m.put("count", banks.countActive(b.id()));
        m.put("entries", entries);
        m.put("policies", List.of(BankPolicy.values())); // enums: bank.peb compares them with bank.policy/mode
        m.put("modes", List.of(BankMode.values()));
        m.put("labels", Labels.TAXONOMY);
        if (error != null) {
            m.put("error", error);
            ctx.status(400);
        }
        if (done != null) m.put("done", done);
        if (form != null) m.put("form", form);
        Page.render(ctx, "bank.peb", m);
    }

    private void settings(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        String name = ctx.pathParam("name");
        try {
            Bank b = banks.update(name, new BankService.BankSpec(null, null, ctx.formParam("policy"),
                    ctx.formParam("mode"), ctx.formParams("label"), intOrNull(ctx.formParam("pdq_threshold")),
                    intOrNull(ctx.formParam("phash_threshold")), intOrNull(ctx.formParam("dhash_threshold"))), s.user().name());
        } catch (Refusal e) {
            bank(ctx, e.getMessage(), null);
            return;
        }
        ctx.redirect("/banks/" + name);
    }

    /** An image or video file, hashed and added as its signals (the API's {@code POST …/content}). */
    private void addContent(Context ctx, BankContent content) throws IOException {
        PanelSession s = Access.requireSession(ctx);
        UploadedFile file = ctx.uploadedFile("media");
        if (file == null || file.size() == 0) {
            bank(ctx, "choose an image or video file to add", null);
            return;
        }
        byte[] bytes;
        try (InputStream in = file.content()) {
            bytes = in.readAllBytes();
        }
        String note = ctx.formParam("note");
        try {
            BankContent.Added added = content.add(ctx.pathParam("name"), bytes, ctx.formParams("label"),
                    note == null || note.isBlank() ? null : note, s.user().name(), s.user().name());
            Object frames = added.signals().get("vpdq");
            String what = frames instanceof List<?> l ? "vpdq (" + l.size() + " frames) and video_md5"
                    : "pdq (quality " + added.signals().get("pdq_quality") + ") and md5";
            bank(ctx, null, "added " + what + " as entries " + added.ids());
        } catch (Refusal e) {
            bank(ctx, e.getMessage(), null);
        }
    }

    /** A pasted text or an uploaded file of {@code <signal_type> <value>} lines; all or none are added. */
    private void addEntries(Context ctx) throws IOException {
        PanelSession s = Access.requireSession(ctx);
        String name = ctx.pathParam("name");
        String text = ctx.formParam("lines");
        Map<String, Object> form = new HashMap<>();
        form.put("lines", text == null ? "" : text);
        form.put("note", ctx.formParam("note") == null ? "" : ctx.formParam("note"));
        form.put("labels", ctx.formParams("label"));
        UploadedFile file = ctx.uploadedFile("file");
        if (file != null && file.size() > 0) {
            if (file.size() > MAX_UPLOAD) {
                bank(ctx, "the file is larger than 5 MB; use the API for large lists", null, form);
                return;
            }
            try (InputStream in = file.content()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        List<BankService.NewEntry> entries = new ArrayList<>();
        String note = ctx.formParam("note");
        List<String> labels = ctx.formParams("label");
        String[] lines = text == null ? new String[0] : text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                bank(ctx, "line " + (i + 1) + ": expected '<signal_type> <value>', e.g. 'pdq <64 hex digits>'", null, form);
                return;
            }
            entries.add(new BankService.NewEntry(parts[0], parts[1], labels, note == null || note.isBlank() ? null : note,
                    null, null));
        }
        try {
            List<BankEntry> saved = banks.addEntries(name, entries, s.user().name(), s.user().name());
            bank(ctx, null, saved.size() + " entries added");
        } catch (Refusal e) {
            bank(ctx, e.getMessage(), null, form);
        }
    }

    private void retract(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        String name = ctx.pathParam("name");
        try {
            long id = Long.parseLong(ctx.pathParam("id"));
            banks.retract(name, id, s.user().name(), s.user().name());
        } catch (NumberFormatException e) {
            Page.error(ctx, 404, "no such entry");
            return;
        } catch (Refusal e) {
            bank(ctx, e.getMessage(), null);
            return;
        }
        ctx.redirect("/banks/" + name);
    }

    private void archive(Context ctx) {
        String name = ctx.pathParam("name");
        try {
            banks.archive(name, Access.requireSession(ctx).user().name());
            bank(ctx, null, "Bank archived: it no longer matches and takes no entries; its entries stay as evidence.");
        } catch (Refusal e) {
            bank(ctx, e.getMessage(), null);
        }
    }

    private void remove(Context ctx) {
        String name = ctx.pathParam("name");
        try {
            banks.remove(name, Access.requireSession(ctx).user().name(), false, h -> { });
            ctx.redirect("/banks");
        } catch (Refusal e) {
            bank(ctx, e.getMessage(), null);
            ctx.status(HttpRefusals.status(e));
        }
    }

    private static Integer intOrNull(String s) {
        if (s == null || s.isBlank()) return null;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw Refusal.invalid("thresholds must be whole numbers, got '" + s + "'");
        }
    }
}
