package org.sightline.panel;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser-like HTTP client for the panel: keeps its cookies, does not follow redirects, reads CSRF tokens. */
final class PanelClient {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final Map<String, String> cookies = new LinkedHashMap<>();
    String csrf;

    PanelClient(String base) {
        this.base = base;
    }

    record Page(int status, String body, HttpResponse<byte[]> raw) {
        String location() {
            return raw.headers().firstValue("Location").orElse(null);
        }

        List<String> setCookies() {
            return raw.headers().allValues("Set-Cookie");
        }

        String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }
    }

    Page get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** Posts a form; pairs are name, value, name, value... (a name may repeat). */
    Page post(String path, String... pairs) {
        StringJoiner body = new StringJoiner("&");
        for (int i = 0; i < pairs.length; i += 2) {
            body.add(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    Page request(String method, String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** Posts with the current CSRF token added. */
    Page postForm(String path, String... pairs) {
        String[] all = new String[pairs.length + 2];
        all[0] = "csrf";
        all[1] = csrf;
        System.arraycopy(pairs, 0, all, 2, pairs.length);
        return post(path, all);
    }

    /** Logs in through the form, as a browser does; returns the answer to the login POST. */
    Page login(String name, String password) {
        get("/login");
        return post("/login", "csrf", csrf, "username", name, "password", password, "next", "/");
    }

    Page send(HttpRequest.Builder b) {
        if (!cookies.isEmpty()) {
            StringJoiner c = new StringJoiner("; ");
            cookies.forEach((k, v) -> c.add(k + "=" + v));
            b.header("Cookie", c.toString());
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            for (String sc : r.headers().allValues("Set-Cookie")) {
                String pair = sc.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq), value = pair.substring(eq + 1);
                if (value.isEmpty() || sc.contains("Max-Age=0")) cookies.remove(name);
                else cookies.put(name, value);
            }
            String body = new String(r.body(), StandardCharsets.UTF_8);
            Matcher m = CSRF.matcher(body);
            if (m.find()) csrf = m.group(1);
            return new Page(r.statusCode(), body, r);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(b.build().uri() + " failed", e);
        }
    }
}
