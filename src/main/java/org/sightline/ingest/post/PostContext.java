package org.sightline.ingest.post;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the case page shows of the post a media item belongs to, and nothing more (retention: see README's privacy
 * section): its text as plain text, content warning, sensitive flag, visibility, web address and author. Each part
 * may be unknown (null): a Misskey drive file carries no note, a scan API call only what its caller sent.
 *
 * @param text        the post's text, plain (Mastodon's HTML converted by {@link PostText}), ≤ {@link #TEXT_MAX}
 * @param spoilerText the content warning (Mastodon {@code spoiler_text}, Misskey {@code cw}), ≤ {@link #CW_MAX}
 * @param sensitive   whether the author marked it sensitive
 * @param url         the post's web address, only http(s) (it comes from a remote server)
 * @param acct        the author, {@code user} or {@code user@domain}
 * @param domain      the author's server: the acct's domain, else the instance's own host
 */
public record PostContext(String text, String spoilerText, Boolean sensitive, Visibility visibility, String url,
                          String acct, String domain) {
    public static final int TEXT_MAX = 5000, CW_MAX = 1000, URL_MAX = 1000, ACCT_MAX = 300, DOMAIN_MAX = 255;

    public static final PostContext NONE = new PostContext(null, null, null, null, null, null, null);

    /** Every part fitted to its column: text and warning cut, a non-http(s) or over-long URL dropped. */
    public PostContext {
        text = blankToNull(PostText.cut(text, TEXT_MAX));
        spoilerText = blankToNull(PostText.cut(spoilerText, CW_MAX));
        url = httpUrl(url);
        acct = acct == null || acct.isBlank() || acct.length() > ACCT_MAX ? null : acct.strip();
        domain = domain == null || domain.isBlank() || domain.length() > DOMAIN_MAX ? null
                : domain.strip().toLowerCase(Locale.ROOT);
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    public boolean isPublic() {
        return visibility == Visibility.PUBLIC;
    }

    /** One REST {@code Status} entity (webhook {@code object}, a report's status, a timeline or stream status). */
    public static PostContext mastodon(JsonNode status, String instanceHost) {
        String acct = text(status.path("account"), "acct");
        return new PostContext(PostText.plain(text(status, "content"), TEXT_MAX), text(status, "spoiler_text"),
                status.has("sensitive") ? status.path("sensitive").asBoolean(false) : null,
                Visibility.mastodon(text(status, "visibility")), text(status, "url"), acct,
                domainOf(acct, instanceHost));
    }

    /**
     * A Misskey note ({@code text}, {@code cw}, {@code visibility}, {@code user.username}/{@code user.host}); the
     * note's page is {@code <instance>/notes/<id>} unless a remote note gives its own {@code url}/{@code uri}.
     */
    public static PostContext misskey(JsonNode note, String instanceBaseUrl) {
        JsonNode user = note.path("user");
        String host = text(user, "host");
        String acct = text(user, "username") == null ? null : text(user, "username") + (host == null ? "" : "@" + host);
        String url = firstNonNull(text(note, "url"), text(note, "uri"),
                text(note, "id") == null || instanceBaseUrl == null ? null
                        : instanceBaseUrl.replaceAll("/+$", "") + "/notes/" + text(note, "id"));
        Boolean sensitive = null;
        JsonNode files = note.path("files");
        if (files.isArray()) {
            sensitive = false;
            for (JsonNode f : files) sensitive |= f.path("isSensitive").asBoolean(false);
        }
        return new PostContext(text(note, "text"), text(note, "cw"), sensitive,
                Visibility.misskey(text(note, "visibility")), url, acct, domainOf(acct, hostOf(instanceBaseUrl)));
    }

    /**
     * The scan API's optional {@code post} object: {@code text} (plain), {@code spoiler_text}, {@code sensitive},
     * {@code visibility} (Mastodon's words), {@code url}, {@code acct}; a {@code content} (HTML) is converted.
     */
    public static PostContext api(JsonNode post) {
        String acct = text(post, "acct");
        String plain = text(post, "text") != null ? text(post, "text") : PostText.plain(text(post, "content"), TEXT_MAX);
        return new PostContext(plain, text(post, "spoiler_text"),
                post.has("sensitive") ? post.path("sensitive").asBoolean(false) : null,
                Visibility.mastodon(text(post, "visibility")), text(post, "url"), acct, domainOf(acct, null));
    }

    /** The case API's and the page's shape; unknown parts left out. */
    public Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        if (text != null) doc.put("text", text);
        if (spoilerText != null) doc.put("spoiler_text", spoilerText);
        if (sensitive != null) doc.put("sensitive", sensitive);
        if (visibility != null) doc.put("visibility", visibility.wireName());
        if (url != null) doc.put("url", url);
        if (acct != null) doc.put("acct", acct);
        if (domain != null) doc.put("domain", domain);
        return doc;
    }

    /** The same, with {@code host} as the author's domain when the source did not say (a local author). */
    public PostContext withDomainDefault(String host) {
        return domain != null || host == null ? this : new PostContext(text, spoilerText, sensitive, visibility, url, acct, host);
    }

    /** {@code user@domain} for the page: the acct with the domain added when the acct is local. */
    public String author() {
        if (acct == null) return null;
        return acct.contains("@") || domain == null ? acct : acct + "@" + domain;
    }

    static String domainOf(String acct, String instanceHost) {
        if (acct != null) {
            int at = acct.indexOf('@', 1);
            if (at > 0 && at < acct.length() - 1) return acct.substring(at + 1);
        }
        return instanceHost;
    }

    public static String hostOf(String baseUrl) {
        if (baseUrl == null) return null;
        try {
            return URI.create(baseUrl.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String httpUrl(String url) {
        if (url == null || url.length() > URL_MAX) return null;
        String u = url.strip();
        String lower = u.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? u : null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String firstNonNull(String... values) {
        for (String v : values) if (v != null) return v;
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) return null;
        return value.asText();
    }
}
