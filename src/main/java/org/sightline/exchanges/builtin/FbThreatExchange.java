package org.sightline.exchanges.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.exchanges.Exchange;
import org.sightline.exchanges.ExchangeException;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Meta's ThreatExchange, as python-threatexchange's {@code fb_threatexchange} reads it: the Graph API's
 * {@code GET {base}/{privacy_group}/threat_updates/} with the app token as {@code access_token}, from
 * {@code start_time} (the highest {@code last_updated} seen), 100 records a page, paging by the cursor of
 * {@code paging.next}. A record with {@code should_delete}, or without descriptors, removes the entry; so does one
 * whose every descriptor says {@code NON_MALICIOUS}. {@code HASH_PDQ} becomes a {@code pdq} entry,
 * {@code HASH_MD5}/{@code HASH_VIDEO_MD5} an {@code md5} one; other indicator types are not banked.
 * <p>
 * ThreatExchange keeps deletions for 90 days: a checkpoint whose last fetch is older than 85 days (as
 * python-threatexchange counts) starts again from the beginning. Checkpoint:
 * {@code <start_time>|<after cursor>|<highest last_updated>|<last fetch, Unix seconds>}; the paging URL itself is
 * never kept (it carries the token).
 */
public final class FbThreatExchange implements Exchange {
    static final String BASE_URL = "https://graph.facebook.com/v9.0";
    static final int PAGE_SIZE = 100;
    static final long STALE_SECONDS = 3600L * 24 * 85;
    /** What python-threatexchange asks for: the indicator, its type and time, tombstones and each descriptor. */
    static final String FIELDS = "indicator,type,last_updated,should_delete,descriptors{id,reactions,owner{id},tags,status}";
    private static final Pattern APP_TOKEN = Pattern.compile("[0-9]{8,}(?:%7C|\\|)[a-zA-Z0-9_\\-]{20,}");
    private static final Pattern PRIVACY_GROUP = Pattern.compile("[0-9]{1,20}");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "fb_threatexchange";
    }

    @Override
    public List<Field> configSchema() {
        return List.of(Field.string("privacy_group", true, "ThreatPrivacyGroup ID for this collaboration"));
    }

    @Override
    public List<Field> credentialSchema() {
        return List.of(
                Field.string("api_token", true, "The app's access token, <app id>|<secret>"),
                Field.string("base_url_override", false, "Optional. Override the Graph API base URL (e.g. for testing). Leave blank to use " + BASE_URL));
    }

    /** Where a fetch resumes from. */
    record Checkpoint(long start, String after, long highest, long lastFetch) {
        static Checkpoint parse(String s) {
            if (s == null || s.isEmpty()) return new Checkpoint(0, "", 0, 0);
            String[] p = s.split("\\|", -1);
            if (p.length != 4) return new Checkpoint(0, "", 0, 0);
            return new Checkpoint(Long.parseLong(p[0]), p[1], Long.parseLong(p[2]), Long.parseLong(p[3]));
        }

        String format() {
            return start + "|" + after + "|" + highest + "|" + lastFetch;
        }
    }

    @Override
    public Page fetch(Request request) throws ExchangeException {
        String token = request.credentials().get("api_token");
        if (token == null || !APP_TOKEN.matcher(token.strip()).matches()) {
            throw new ExchangeException("ThreatExchange credentials are not set or are not an app token (<app id>|<secret>)");
        }
        String group = request.config().getOrDefault("privacy_group", "");
        if (!PRIVACY_GROUP.matcher(group).matches()) {
            throw new ExchangeException("privacy_group must be the number of a ThreatExchange privacy group");
        }
        String base = request.credentials().getOrDefault("base_url_override", "");
        if (base == null || base.isBlank()) base = BASE_URL;
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        long now = request.clock().instant().getEpochSecond();
        Checkpoint at;
        try {
            at = Checkpoint.parse(request.checkpoint());
        } catch (NumberFormatException e) {
            at = new Checkpoint(0, "", 0, 0);
        }
        // deletions older than ThreatExchange keeps them could have been missed: start again from the beginning
        if (at.lastFetch() > 0 && now - at.lastFetch() > STALE_SECONDS) at = new Checkpoint(0, "", 0, 0);

        StringBuilder url = new StringBuilder(base).append('/').append(group).append("/threat_updates/?access_token=")
                .append(URLEncoder.encode(token.strip(), StandardCharsets.UTF_8))
                .append("&limit=").append(PAGE_SIZE)
                .append("&fields=").append(URLEncoder.encode(FIELDS, StandardCharsets.UTF_8));
        if (at.start() > 0) url.append("&start_time=").append(at.start());
        if (!at.after().isEmpty()) url.append("&after=").append(URLEncoder.encode(at.after(), StandardCharsets.UTF_8));
        Http.Response r = request.http().get(url.toString(), Map.of("Accept", "application/json"));
        if (r.status() == 400 || r.status() == 401 || r.status() == 403) {
            // the Graph API answers an invalid or expired token (OAuthException) and an unreadable group with these
            throw new ExchangeException("ThreatExchange refused the request (HTTP " + r.status() + "): check the app"
                    + " token and that the app is a member of privacy group " + group);
        }
        if (!r.ok()) {
            throw new ExchangeException("ThreatExchange threat_updates failed: " + (r.status() == 0 ? r.error() : "HTTP " + r.status()));
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject() || !body.path("data").isArray()) {
            throw new ExchangeException("ThreatExchange answered something that is not a threat_updates page");
        }
        List<Update> updates = new ArrayList<>();
        long highest = at.highest();
        for (JsonNode u : body.path("data")) {
            highest = Math.max(highest, u.path("last_updated").asLong(0));
            String signal = switch (u.path("type").asText("")) {
                case "HASH_PDQ" -> "pdq";
                case "HASH_MD5", "HASH_VIDEO_MD5" -> "md5";
                default -> null;
            };
            String indicator = u.path("indicator").asText("").toLowerCase(Locale.ROOT);
            if (signal == null || indicator.isEmpty()) continue;
            String id = u.path("type").asText() + ":" + indicator;
            if (removed(u)) updates.add(Update.deletion(id));
            else updates.add(new Update(id, Map.of(signal, indicator), false));
        }
        String after = nextCursor(body.path("paging"));
        if (after != null && after.contains("|")) {
            throw new ExchangeException("ThreatExchange answered a paging cursor Sightline cannot keep");
        }
        if (after != null) {
            return new Page(updates, new Checkpoint(at.start(), after, highest, at.lastFetch()).format(), null, true, false);
        }
        // caught up: the next fetch asks for what changed since the newest update seen
        return new Page(updates, new Checkpoint(highest, "", highest, now).format(), highest > 0 ? highest : null, false, false);
    }

    /** A tombstone, a record no descriptor backs any more, or one every owner now calls non-malicious. */
    static boolean removed(JsonNode u) {
        if (u.path("should_delete").asBoolean(false)) return true;
        JsonNode descriptors = u.path("descriptors").path("data");
        if (!descriptors.isArray() || descriptors.isEmpty()) return true;
        for (JsonNode d : descriptors) {
            if (!"NON_MALICIOUS".equals(d.path("status").asText())) return false;
        }
        return true;
    }

    /** The cursor to go on with, from {@code paging.next} (never the URL: it carries the token), or null. */
    static String nextCursor(JsonNode paging) {
        String next = paging.path("next").asText("");
        if (next.isEmpty()) return null;
        String after = paging.path("cursors").path("after").asText("");
        if (after.isEmpty()) {
            String query = URI.create(next).getRawQuery();
            if (query != null) {
                for (String kv : query.split("&")) {
                    if (kv.startsWith("after=")) after = URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8);
                }
            }
        }
        return after.isEmpty() ? null : after;
    }
}
