package org.sightline.banks;

import org.sightline.access.Access;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Scope;
import org.sightline.common.Refusal;
import org.sightline.web.JsonBody;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** HTTP handlers of {@code /api/v1/banks}: bank CRUD, entry upload (JSON or text lines), export, retraction. */
public final class BankRoutes {
    private final BankService banks;
    private final ObjectMapper json;

    private BankRoutes(BankService banks, ObjectMapper json) {
        this.banks = banks;
        this.json = json;
    }

    public static void register(RoutesConfig routes, BankService banks, ObjectMapper json) {
        register(routes, banks, null, json);
    }

    /** The routes, with {@code POST /api/v1/banks/{name}/content} when {@code content} is given. */
    public static void register(RoutesConfig routes, BankService banks, BankContent content, ObjectMapper json) {
        BankRoutes r = new BankRoutes(banks, json);
        if (content != null) {
            routes.post("/api/v1/banks/{name}/content", ctx -> r.addContent(ctx, content),
                    Access.token(Scope.BANKS_WRITE));
        }
        routes.get("/api/v1/banks", r::list, Access.token(Scope.BANKS_READ));
        routes.post("/api/v1/banks", r::create, Access.token(Scope.BANKS_WRITE));
        routes.get("/api/v1/banks/{name}", r::get, Access.token(Scope.BANKS_READ));
        routes.patch("/api/v1/banks/{name}", r::update, Access.token(Scope.BANKS_WRITE));
        routes.post("/api/v1/banks/{name}/entries", r::addEntries, Access.token(Scope.BANKS_WRITE));
        routes.get("/api/v1/banks/{name}/entries", r::export, Access.token(Scope.BANKS_READ));
        routes.delete("/api/v1/banks/{name}/entries/{id}", r::retract, Access.token(Scope.BANKS_WRITE));
        routes.post("/api/v1/banks/{name}/archive", ctx -> ctx.json(view(
                banks.archive(ctx.pathParam("name"), Access.tokenActor(ctx)), null)), Access.token(Scope.BANKS_WRITE));
        routes.delete("/api/v1/banks/{name}", ctx -> ctx.json(Map.of("removed", banks.remove(ctx.pathParam("name"),
                Access.tokenActor(ctx), false, h -> { }).name())), Access.token(Scope.BANKS_WRITE));
    }

    private void list(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Bank b : banks.list()) out.add(view(b, null));
        ctx.json(Map.of("banks", out));
    }

    private void get(Context ctx) {
        Bank b = banks.get(ctx.pathParam("name"));
        ctx.json(view(b, banks.countActive(b.id())));
    }

    private void create(Context ctx) {
        JsonNode body = jsonBody(ctx);
        if (!body.isObject()) throw Refusal.invalid("expected a JSON object describing the bank");
        Bank b = banks.create(spec(body), Access.tokenActor(ctx));
        ctx.status(201).json(view(b, 0L));
    }

    private void update(Context ctx) {
        JsonNode body = jsonBody(ctx);
        if (!body.isObject()) throw Refusal.invalid("expected a JSON object with the fields to change");
        // a subscribed bank's mode and policy decide what another instance's list may do here: the subscription
        // API keeps that to admins, and so does this one
        if (banks.get(ctx.pathParam("name")).kind() == BankKind.SUBSCRIBED && !Access.principal(ctx).has(Scope.ADMIN)
                && (body.has("mode") || body.has("policy"))) {
            throw Refusal.forbidden("the mode and policy of a subscribed bank are changed with the admin scope");
        }
        Bank b = banks.update(ctx.pathParam("name"), spec(body), Access.tokenActor(ctx));
        ctx.json(view(b, banks.countActive(b.id())));
    }

    private void addEntries(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        banks.get(name); // 404 before reading a large body
        List<BankService.NewEntry> entries;
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("text/plain")) {
            entries = parseLines(ctx);
        } else {
            JsonNode body;
            try {
                body = jsonBody(ctx);
            } catch (Refusal e) {
                if (e.kind() != Refusal.Kind.INVALID) throw e;
                throw Refusal.invalid(e.getMessage() + " (for '<signal_type> <value>' lines send Content-Type: text/plain)");
            }
            entries = new ArrayList<>();
            if (body.isArray()) {
                for (JsonNode n : body) entries.add(entry(n, entries.size() + 1));
            } else if (body.isObject()) {
                entries.add(entry(body, 1));
            } else {
                throw Refusal.invalid("expected one entry (JSON object), a JSON array of entries, or text/plain lines");
            }
        }
        List<BankEntry> saved = banks.addEntries(name, entries, Access.principal(ctx).name(), Access.tokenActor(ctx));
        List<Long> ids = new ArrayList<>(saved.size());
        for (BankEntry e : saved) ids.add(e.id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("added", saved.size());
        out.put("ids", ids);
        ctx.status(201).json(out);
    }

    /**
     * Known media by multipart {@code file} (with optional {@code labels}, comma-separated, and {@code note}
     * fields) or JSON {@code {"url", "labels": [...], "note"}}: hashed, and its signals added as entries.
     */
    private void addContent(Context ctx, BankContent content) throws IOException {
        String name = ctx.pathParam("name");
        banks.get(name); // 404 before reading a large body
        byte[] bytes;
        List<String> labels;
        String note;
        if (ctx.isMultipartFormData()) {
            io.javalin.http.UploadedFile file = ctx.uploadedFile("file");
            if (file == null) throw Refusal.invalid("expected a multipart 'file' part, or JSON {\"url\": ...}");
            try (java.io.InputStream in = file.content()) {
                bytes = in.readAllBytes();
            }
            String l = ctx.formParam("labels");
            labels = l == null || l.isBlank() ? List.of() : List.of(l.split(","));
            note = ctx.formParam("note");
        } else {
            JsonNode body = jsonBody(ctx);
            if (!body.isObject() || !body.path("url").isTextual()) {
                throw Refusal.invalid("expected JSON {\"url\": ...} or a multipart 'file' part");
            }
            labels = body.has("labels") ? strings(body.get("labels"), "labels") : List.of();
            note = body.path("note").isTextual() ? body.get("note").asText() : null;
            bytes = content.fetch(body.get("url").asText());
        }
        BankContent.Added added = content.add(name, bytes, labels.stream().map(String::trim).toList(),
                note == null || note.isBlank() ? null : note, Access.principal(ctx).name(), Access.tokenActor(ctx));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", added.id());
        out.put("ids", added.ids());
        out.put("signals", added.signals());
        out.put("retroactive_cases", added.retroactiveCases());
        ctx.status(201).json(out);
    }

    /** Lines {@code <signal_type> <value>} as python-threatexchange writes them; blank lines and # comments skipped. */
    private List<BankService.NewEntry> parseLines(Context ctx) throws IOException {
        List<String> labels = ctx.queryParam("labels") == null ? List.of()
                : List.of(ctx.queryParam("labels").split(","));
        String note = ctx.queryParam("note");
        List<BankService.NewEntry> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(ctx.bodyInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) continue;
                // a vpdq value is JSON, which pytx writes with spaces after its commas: split at the first blank only
                String[] parts = s.split("\\s+", 2);
                if (parts.length != 2 || (!parts[0].equalsIgnoreCase("vpdq") && parts[1].strip().contains(" "))) {
                    throw Refusal.invalid("line " + no + ": expected '<signal_type> <value>', e.g. 'pdq <64 hex digits>'");
                }
                out.add(new BankService.NewEntry(parts[0], parts[1], labels, note, null, null));
            }
        }
        if (out.isEmpty()) throw Refusal.invalid("no entries in the body");
        return out;
    }

    private void export(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        Bank bank = banks.get(name);
        boolean includeRetracted = "true".equalsIgnoreCase(ctx.queryParam("include_retracted"));
        String accept = ctx.header("Accept") == null ? "" : ctx.header("Accept");
        boolean text = "txt".equalsIgnoreCase(ctx.queryParam("format"))
                || (accept.contains("text/plain") && !accept.contains("application/json"));
        // Streamed page by page from the database, so exporting a bank of millions of entries needs no
        // more memory than one page. (An error after the first byte can only cut the response short.)
        if (text) {
            ctx.contentType("text/plain; charset=utf-8");
            try (Writer w = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8))) {
                banks.forEachEntry(name, false, e -> {
                    try {
                        w.write(e.signalType());
                        w.write(' ');
                        w.write(e.signalValue());
                        w.write('\n');
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
            }
            return;
        }
        ctx.contentType("application/json");
        try (JsonGenerator g = json.getFactory().createGenerator(ctx.outputStream())) {
            g.writeStartObject();
            g.writeStringField("bank", bank.name());
            g.writeArrayFieldStart("entries");
            banks.forEachEntry(name, includeRetracted, e -> {
                try {
                    json.writeValue(g, entryView(e));
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private void retract(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.invalid("entry id must be a number");
        }
        BankEntry e = banks.retract(ctx.pathParam("name"), id, Access.principal(ctx).name(), Access.tokenActor(ctx));
        ctx.json(entryView(e));
    }

    private JsonNode jsonBody(Context ctx) {
        return JsonBody.read(ctx, json);
    }

    private static BankService.BankSpec spec(JsonNode b) {
        JsonNode t = b.path("thresholds");
        if (!t.isMissingNode() && !t.isObject()) throw Refusal.invalid("thresholds must be an object, e.g. {\"pdq\": 31}");
        return new BankService.BankSpec(text(b, "name"), text(b, "kind"), text(b, "policy"), text(b, "mode"),
                b.has("labels") ? strings(b.get("labels"), "labels") : null,
                integer(t, "pdq"), integer(t, "phash"), integer(t, "dhash"));
    }

    private static BankService.NewEntry entry(JsonNode n, int position) {
        if (!n.isObject()) throw Refusal.invalid("entry " + position + ": expected a JSON object");
        String value = text(n, "value");
        if (value == null) value = text(n, "hash");
        if (value == null) value = text(n, "signal");
        Integer seq = integer(n, "source_seq");
        return new BankService.NewEntry(text(n, "signal_type"), value,
                n.has("labels") ? strings(n.get("labels"), "labels") : List.of(), text(n, "note"),
                text(n, "source_list"), seq == null ? null : seq.longValue());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw Refusal.invalid(field + " must be a string");
        return v.asText();
    }

    private static Integer integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.canConvertToInt() || !v.isIntegralNumber()) throw Refusal.invalid(field + " must be a whole number");
        return v.asInt();
    }

    private static List<String> strings(JsonNode v, String field) {
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw Refusal.invalid(field + " must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isTextual()) throw Refusal.invalid(field + " must be an array of strings");
            out.add(x.asText());
        }
        return out;
    }

    static Map<String, Object> view(Bank b, Long activeEntries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.name());
        m.put("kind", b.kind());
        m.put("policy", b.policy());
        m.put("mode", b.mode());
        m.put("labels", b.labelList());
        m.put("thresholds", Map.of("pdq", b.pdqThreshold(), "phash", b.phashThreshold(), "dhash", b.dhashThreshold()));
        if (activeEntries != null) m.put("active_entries", activeEntries);
        m.put("created_at", b.createdAt().toString());
        m.put("updated_at", b.updatedAt().toString());
        m.put("archived_at", b.archivedAt() == null ? null : b.archivedAt().toString());
        return m;
    }

    static Map<String, Object> entryView(BankEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("signal_type", e.signalType());
        m.put("value", e.signalValue());
        m.put("labels", e.labelList());
        m.put("note", e.note());
        m.put("state", e.state());
        m.put("added_by", e.addedBy());
        m.put("source_list", e.sourceList());
        m.put("source_seq", e.sourceSeq());
        m.put("created_at", e.createdAt().toString());
        m.put("retracted_at", e.retractedAt() == null ? null : e.retractedAt().toString());
        m.put("retracted_by", e.retractedBy());
        return m;
    }
}
