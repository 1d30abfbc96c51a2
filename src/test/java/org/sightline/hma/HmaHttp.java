package org.sightline.hma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A plain HTTP client for the HMA routes: any method, JSON or multipart bodies, an optional bearer token. */
public final class HmaHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    public HmaHttp(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public record Answer(int status, String body, String contentType) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String message() {
            return json().path("message").asText();
        }
    }

    public Answer send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (token != null) b.header("Authorization", "Bearer " + token);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        }
    }

    /** The bearer token this client sends, for calls on Sightline's own API. */
    public String tokenForTests() {
        return token;
    }

    public Answer get(String path) {
        return send("GET", path, null, null);
    }

    public Answer delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Answer json(String method, String path, String json) {
        return send(method, path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A multipart/form-data body with one file part named {@code field} and optional text fields. */
    public Answer multipart(String path, String field, byte[] file, String... textFields) {
        String boundary = "----sightline-test-boundary";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i + 1 < textFields.length; i += 2) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + textFields[i]
                    + "\"\r\n\r\n" + textFields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (field != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field
                    + "\"; filename=\"upload.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(file);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send("POST", path, "multipart/form-data; boundary=" + boundary, out.toByteArray());
    }
}
