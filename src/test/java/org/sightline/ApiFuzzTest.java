package org.sightline;

import io.javalin.router.ParsedEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed, oversized and wrong-typed bodies on every JSON and multipart route under /api and /hooks, as an
 * admin: no answer is a 5xx (but a 502 naming the unreachable instance), and none shows a stack trace or an
 * exception's class. Fixed seed, bounded count and time.
 */
class ApiFuzzTest {
    static final long SEED = 20261129L;
    static final int PER_ROUTE = 14;
    static final long TIME_BOUND_MS = 150_000;
    static final List<String> FIELDS = List.of("url", "image_base64", "metadata", "instance", "account", "status",
            "attachment", "name", "kind", "policy", "mode", "labels", "thresholds", "signal_type", "value", "hash",
            "signals", "note", "source_list", "source_seq", "key", "token", "paused", "visibility", "bank", "action",
            "params", "decision", "reason", "webhook_secret", "fail_mode", "time_budget_ms", "watch", "event",
            "object", "enabled", "settings", "since", "sequence", "pdq", "limit", "days", "approve");
    static final Pattern LEAK = Pattern.compile(
            "Exception|\\bat (org|java|io|com)\\.|java\\.(lang|io|util|sql)|com\\.fasterxml|org\\.(eclipse|jdbi|h2)|Caused by");

    @TempDir
    Path data;
    TestServer server;
    String admin;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                .with("lists.sync_interval_s", 0).with("fetch.timeout_ms", 2000));
        admin = server.token("admin", Scope.ADMIN);
        // remote servers are all unreachable private addresses: nothing leaves the machine
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "http://127.0.0.1:1",
                "fuzz-webhook-secret-0123456789", null, null, null, null));
        assertThat(server.postJson("/api/v1/banks", admin, "{\"name\":\"local\"}").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<String> routes() {
        List<String> out = new ArrayList<>();
        for (ParsedEndpoint e : server.app.unsafe.internalRouter.allHttpHandlers()) {
            String method = e.endpoint.method.name();
            String path = e.endpoint.path;
            if (!List.of("POST", "PUT", "PATCH").contains(method)) continue;
            if (!path.startsWith("/api/") && !path.startsWith("/hooks/")) continue;
            out.add(method + " " + path);
        }
        return out;
    }

    private static String fill(String path, Random random) {
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String param = m.group(1);
            String[] choices = switch (param) {
                case "instance" -> new String[]{"social", "nosuch"};
                case "name" -> path.contains("/banks/") ? new String[]{"local", "nosuch"} : new String[]{"social", "nosuch"};
                default -> new String[]{"1", "999999", "abc", "-1"};
            };
            m.appendReplacement(out, choices[random.nextInt(choices.length)]);
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String value(Random random) {
        return switch (random.nextInt(14)) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> "-1";
            case 3 -> "1e309";
            case 4 -> "99999999999999999999999";
            case 5 -> "[]";
            case 6 -> "{}";
            case 7 -> "[1,\"a\",{}]";
            case 8 -> "\"" + "x".repeat(5000 + random.nextInt(5000)) + "\"";
            case 9 -> "\"http://127.0.0.1:1/" + random.nextInt(100) + "\"";
            case 10 -> "\"\\u0000\\t\\n\"";
            case 11 -> "\"yes please\"";
            case 12 -> "{\"a\":[[[{}]]]}";
            default -> "\"" + "f".repeat(64) + "\"";
        };
    }

    private static String object(Random random) {
        StringBuilder b = new StringBuilder("{");
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            b.append('"').append(FIELDS.get(random.nextInt(FIELDS.size()))).append("\":").append(value(random));
        }
        return b.append('}').toString();
    }

    /** One malformed body: content type and bytes. */
    private static String[] body(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> new String[]{"application/json", ""};
            case 1 -> new String[]{"application/json", "{\"url\": "};
            case 2 -> new String[]{"application/json", "[".repeat(3000)};
            case 3 -> new String[]{"application/json", "\"just a string\""};
            case 4 -> new String[]{"application/json", "[" + object(random) + "," + value(random) + "]"};
            case 5 -> new String[]{"application/json", object(random).replace("}", ",}")};
            case 6 -> new String[]{"multipart/form-data", "--x\r\n\r\nabc"};
            case 7 -> new String[]{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\""
                    + "; filename=\"" + "n".repeat(10_000) + "\"\r\n\r\nabc\r\n--x--\r\n"};
            case 8 -> new String[]{"text/plain", "pdq zz\n" + "x".repeat(random.nextInt(3000))};
            case 9 -> new String[]{"application/x-www-form-urlencoded", "a=%zz&" + "b=".repeat(3000)};
            default -> new String[]{"application/json", object(random)};
        };
    }

    @Test
    void malformed_oversized_and_wrong_typed_bodies_never_get_a_5xx_or_a_stack_trace() {
        Random random = new Random(SEED);
        List<String> routes = routes();
        assertThat(routes).contains("POST /api/v1/media", "POST /hooks/mastodon/{instance}");
        long deadline = System.currentTimeMillis() + TIME_BOUND_MS;
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (int round = 0; round < PER_ROUTE && System.currentTimeMillis() < deadline; round++) {
            for (String route : routes) {
                String method = route.substring(0, route.indexOf(' '));
                String path = fill(route.substring(route.indexOf(' ') + 1), random);
                String[] body = body(random);
                TestServer.Response r = server.sendBytes(method, path, body[0],
                        body[1].getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + admin);
                sent++;
                // 502 is the contract when the instance itself fails (the fuzz instance is unreachable by design)
                boolean upstream = r.status() == 502 && r.body().contains("\"error\":\"bad_gateway\"");
                if ((r.status() >= 500 && !upstream) || LEAK.matcher(r.body()).find()) {
                    failures.add(r.status() + " " + method + " " + path + " " + body[0] + " "
                            + body[1].substring(0, Math.min(120, body[1].length())) + " -> "
                            + r.body().substring(0, Math.min(300, r.body().length())));
                }
            }
        }
        assertThat(sent).isGreaterThan(100);
        assertThat(failures).isEmpty();
    }
}
