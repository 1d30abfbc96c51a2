package org.sightline.exchanges.builtin;

import org.sightline.exchanges.Exchange;
import org.sightline.exchanges.ExchangeException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * NCMEC's hash sharing API v2: {@code GET {environment}/v2/entries?from=&to=} with Basic authentication, then the
 * {@code <paging><next>} path of each answer until there is none. {@code <image>}/{@code <video>} entries bring their
 * {@code pdq} and {@code md5} fingerprints; {@code <deletedImage>}/{@code <deletedVideo>} remove them. A paging path
 * expires after 12 hours at NCMEC: an older one is not followed, the range is asked again from its start.
 * Checkpoint: {@code <from>|<to>|<next path>|<when next was given>} (Unix seconds).
 */
public final class Ncmec implements Exchange {
    static final List<String> ENVIRONMENTS = List.of(
            "https://report.cybertip.org/hashsharing",
            "https://hashsharing.ncmec.org/npo",
            "https://hashsharing.ncmec.org/exploitative",
            "https://exttest.cybertip.org/hashsharing",
            "https://hashsharing-test.ncmec.org/npo",
            "https://hashsharing-test.ncmec.org/exploitative");
    static final long NEXT_EXPIRY_S = 12 * 3600;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String name() {
        return "ncmec";
    }

    @Override
    public List<Field> configSchema() {
        return List.of(
                new Field("environment", "enum", true, null, "which database to connect to", ENVIRONMENTS),
                new Field("only_esp_ids", "set_of_number", false, null,
                        "Only take entries from these electronic service provider (ESP) ids", null));
    }

    @Override
    public List<Field> credentialSchema() {
        return List.of(Field.string("user", true, "NCMEC hash sharing API username."),
                Field.string("password", true, "NCMEC hash sharing API password."));
    }

    @Override
    public Page fetch(Request request) throws ExchangeException {
        String env = request.config().get("environment");
        if (env == null || env.isBlank()) throw new ExchangeException("the ncmec exchange needs an environment");
        while (env.endsWith("/")) env = env.substring(0, env.length() - 1);
        String user = request.credentials().get("user");
        String password = request.credentials().get("password");
        if (user == null || user.isBlank() || password == null) throw new ExchangeException("NCMEC credentials are not set (user and password)");
        Set<Long> onlyEsps = espIds(request.config().get("only_esp_ids"));

        long now = request.clock().instant().getEpochSecond();
        long from = 0, to = now;
        String next = "";
        long nextAt = 0;
        if (request.checkpoint() != null && !request.checkpoint().isEmpty()) {
            String[] p = request.checkpoint().split("\\|", -1);
            from = Long.parseLong(p[0]);
            if (p.length >= 4 && !p[2].isEmpty()) {
                to = Long.parseLong(p[1]);
                next = p[2];
                nextAt = Long.parseLong(p[3]);
            }
        }
        if (!next.isEmpty() && now - nextAt >= NEXT_EXPIRY_S) {
            next = ""; // NCMEC's paging URL has expired: ask for the range again, from its start
            to = now;
        }
        String url = next.isEmpty()
                ? env + "/v2/entries?from=" + DATE.format(Instant.ofEpochSecond(from)) + "&to=" + DATE.format(Instant.ofEpochSecond(to))
                : env + next;
        String auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Http.Response r = request.http().get(url, Map.of("Authorization", auth, "Accept", "application/xml"));
        if (r.status() == 401 || r.status() == 403) {
            throw new ExchangeException("NCMEC refused the user name or password (HTTP " + r.status() + ")");
        }
        if (!r.ok()) throw new ExchangeException("NCMEC entries failed: " + (r.status() == 0 ? r.error() : "HTTP " + r.status()));
        Element root = parse(r.body());
        List<Update> updates = new ArrayList<>();
        for (String group : List.of("images", "videos")) {
            Element g = child(root, group);
            if (g == null) continue;
            for (Node n = g.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!(n instanceof Element e)) continue;
                String tag = local(e).toLowerCase(Locale.ROOT);
                boolean deleted = tag.startsWith("deleted");
                String kind = deleted ? tag.substring("deleted".length()) : tag;
                if (!kind.equals("image") && !kind.equals("video")) continue;
                Element member = child(e, "member");
                Element id = child(e, "id");
                if (member == null || id == null) throw new ExchangeException("NCMEC answered an entry without member or id");
                long memberId;
                try {
                    memberId = Long.parseLong(member.getAttribute("id"));
                } catch (NumberFormatException ex) {
                    throw new ExchangeException("NCMEC answered an entry with a bad member id");
                }
                if (onlyEsps != null && !onlyEsps.contains(memberId)) continue;
                String recordId = memberId + "-" + id.getTextContent().strip();
                if (deleted) {
                    updates.add(Update.deletion(recordId));
                    continue;
                }
                Map<String, String> signals = new LinkedHashMap<>();
                Element prints = child(e, "fingerprints");
                if (prints != null) {
                    for (Node f = prints.getFirstChild(); f != null; f = f.getNextSibling()) {
                        if (!(f instanceof Element fe)) continue;
                        String type = local(fe).toLowerCase(Locale.ROOT);
                        if (type.equals("pdq") || type.equals("md5")) {
                            signals.put(type, fe.getTextContent().strip().toLowerCase(Locale.ROOT));
                        }
                    }
                }
                updates.add(new Update(recordId, signals, false));
            }
        }
        Element paging = child(root, "paging");
        Element nextEl = paging == null ? null : child(paging, "next");
        String nextPath = nextEl == null ? "" : nextEl.getTextContent().strip();
        if (!nextPath.isEmpty()) {
            if (!nextPath.startsWith("/")) throw new ExchangeException("NCMEC answered a paging path that is not a path");
            return new Page(updates, from + "|" + to + "|" + nextPath + "|" + now, null, true, false);
        }
        return new Page(updates, to + "|||", to, false, false);
    }

    @Override
    public String feedbackUnavailable(Map<String, String> credentials) {
        return null;
    }

    /** The v2 API's namespace, which a feedback submission carries. */
    static final String NS = "https://hashsharing.ncmec.org/hashsharing/v2";

    /**
     * NCMEC's negative feedback on one fingerprint of an entry, as python-threatexchange's {@code submit_feedback}
     * sends it: {@code PUT {environment}/v2/entries/{esp id}/{entry id}/{PDQ|MD5}/feedback} with
     * {@code <feedbackSubmission xmlns="…/v2"><negative><reasonIds><guid>…</guid></reasonIds></negative></feedbackSubmission>}.
     * The reason is one of {@code GET {environment}/v2/feedback/{type}/reasons}: the only one, or the one whose name
     * says the opinion (false positive / disputed).
     */
    @Override
    public void feedback(Feedback f) throws ExchangeException {
        String env = f.config().get("environment");
        if (env == null || env.isBlank()) throw new ExchangeException("the ncmec exchange needs an environment");
        while (env.endsWith("/")) env = env.substring(0, env.length() - 1);
        String user = f.credentials().get("user");
        String password = f.credentials().get("password");
        if (user == null || user.isBlank() || password == null) throw new ExchangeException("NCMEC credentials are not set (user and password)");
        int dash = f.recordId().indexOf('-');
        if (dash <= 0) throw new ExchangeException("NCMEC record id '" + f.recordId() + "' is not <esp id>-<entry id>");
        String esp = f.recordId().substring(0, dash);
        String entry = f.recordId().substring(dash + 1);
        String type = switch (f.signalType()) {
            case "pdq" -> "PDQ";
            case "md5" -> "MD5";
            default -> throw new ExchangeException("NCMEC takes no feedback on " + f.signalType() + " fingerprints");
        };
        String auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Http.Response reasons = f.http().get(env + "/v2/feedback/" + type + "/reasons", Map.of("Authorization", auth,
                "Accept", "application/xml"));
        if (reasons.status() == 401 || reasons.status() == 403) {
            throw new ExchangeException("NCMEC refused the user name or password (HTTP " + reasons.status() + ")");
        }
        if (!reasons.ok()) throw new ExchangeException("NCMEC feedback reasons failed: " + (reasons.status() == 0 ? reasons.error() : "HTTP " + reasons.status()));
        String guid = reason(parse(reasons.body()), f.opinion(), type);
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><feedbackSubmission xmlns=\"" + NS + "\"><negative>"
                + "<reasonIds><guid>" + guid + "</guid></reasonIds></negative></feedbackSubmission>";
        Http.Response r = f.sender().send("PUT", env + "/v2/entries/" + enc(esp) + "/" + enc(entry) + "/" + type + "/feedback",
                Map.of("Authorization", auth), "application/xml; charset=utf-8", xml.getBytes(StandardCharsets.UTF_8));
        if (r.status() == 401 || r.status() == 403) {
            throw new ExchangeException("NCMEC refused the user name or password (HTTP " + r.status() + ")");
        }
        if (!r.ok()) throw new ExchangeException("NCMEC feedback failed: " + (r.status() == 0 ? r.error() : "HTTP " + r.status()));
    }

    /** The reason to give: the only one offered, else the one whose name says the opinion. */
    private static String reason(Element available, String opinion, String type) throws ExchangeException {
        Map<String, String> byGuid = new LinkedHashMap<>();
        for (Node n = available.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && local(e).equals("reason")) {
                String guid = e.hasAttribute("guid") ? e.getAttribute("guid") : text(child(e, "guid"));
                String name = e.hasAttribute("name") ? e.getAttribute("name") : text(child(e, "name"));
                if (guid != null && guid.matches("[0-9A-Fa-f-]{1,64}")) byGuid.put(guid, name == null ? "" : name);
            }
        }
        if (byGuid.isEmpty()) throw new ExchangeException("NCMEC offers no negative feedback reason for " + type);
        if (byGuid.size() == 1) return byGuid.keySet().iterator().next();
        String word = opinion.equals("false_positive") ? "false positive" : "disput";
        for (Map.Entry<String, String> e : byGuid.entrySet()) {
            if (e.getValue().toLowerCase(Locale.ROOT).replace('_', ' ').contains(word)) return e.getKey();
        }
        throw new ExchangeException("NCMEC offers " + byGuid.size() + " feedback reasons for " + type + " and none is named"
                + " for '" + opinion.replace('_', ' ') + "': " + String.join(", ", byGuid.values()));
    }

    private static String text(Element e) {
        return e == null ? null : e.getTextContent().strip();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Set<Long> espIds(String v) throws ExchangeException {
        if (v == null || v.isBlank()) return null;
        Set<Long> out = new HashSet<>();
        for (String s : v.replace('[', ' ').replace(']', ' ').split("[,\\s]+")) {
            if (s.isBlank()) continue;
            try {
                out.add(Long.parseLong(s.strip()));
            } catch (NumberFormatException e) {
                throw new ExchangeException("only_esp_ids must be numbers");
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** XML without DTDs or external entities: the answer comes from outside. */
    private static Element parse(byte[] body) throws ExchangeException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            return d.getDocumentElement();
        } catch (Exception e) {
            throw new ExchangeException("NCMEC answered something that is not XML");
        }
    }

    private static String local(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && local(e).equals(name)) return e;
        }
        return null;
    }
}
