package org.sightline.panel;

import org.sightline.web.ClientAddress;
import io.javalin.Javalin;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.Roles;
import org.sightline.access.Access;
import org.sightline.auth.AuthGuard;
import org.sightline.common.Refusal;
import org.sightline.web.HttpRefusals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.config.Config;
import org.sightline.access.Role;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may reach what: sessions, roles, CSRF tokens, cookies, throttling. */
class PanelAccessTest {
    static final String PASSWORD = "correct horse battery";

    /** Routes that are public by design, or authenticate each request by their own secret (webhooks, gate). */
    static final Set<String> PUBLIC = Set.of("GET /healthz", "GET /readyz", "GET /metrics", "GET /login", "POST /login",
            "GET /invite/{token}", "POST /invite/{token}", "GET /static/panel.css", "GET /static/panel.js",
            "GET /status", "GET /status/live",
            // the appeal link's token is the credential, like an invitation's (#16)
            "GET /appeal/{token}", "POST /appeal/{token}");
    static final Set<String> SELF_AUTHENTICATED = Set.of("POST /hooks/mastodon/{instance}", "POST /hooks/pictrs/{instance}",
            "GET /instances/{name}/oauth/callback", "GET /instances/{name}/miauth/callback", "GET /lists/{name}",
            "GET /lists/{name}/changes",
            "GET /lists/{name}/key", "GET /lists/{name}/pdq.txt", "POST /lists/{name}/feedback");
    /** The command line's channel to a running server: the data directory's admin.key, from this host only. */
    static final Set<String> LOCAL = Set.of("POST /api/v1/local/tokens", "GET /api/v1/local/tokens",
            "DELETE /api/v1/local/tokens/{ref}", "POST /api/v1/local/users",
            "POST /api/v1/local/instances", "DELETE /api/v1/local/instances/{name}", "POST /api/v1/local/audit/verify", "POST /api/v1/local/audit/checkpoint",
            "POST /api/v1/local/audit/keygen");

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The routes (not the guard's before-handler). */
    List<ParsedEndpoint> endpoints() {
        return server.app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod()).toList();
    }

    List<String> routes() {
        List<String> out = new ArrayList<>();
        for (ParsedEndpoint e : endpoints()) {
            out.add(e.endpoint.method.name() + " " + e.endpoint.path);
        }
        return out;
    }

    /** The one access rule a route declares, or null when it declares none or more than one. */
    static Access declared(ParsedEndpoint e) {
        Roles roles = e.endpoint.metadata(Roles.class);
        if (roles == null) return null;
        List<Access> rules = roles.getRoles().stream().filter(Access.class::isInstance).map(Access.class::cast).toList();
        return rules.size() == 1 ? rules.get(0) : null;
    }

    @Test
    void every_registered_route_declares_one_access_rule() {
        List<ParsedEndpoint> endpoints = endpoints();
        assertThat(endpoints).hasSizeGreaterThan(30);
        for (ParsedEndpoint e : endpoints) {
            String route = e.endpoint.method + " " + e.endpoint.path;
            Access rule = declared(e);
            assertThat(rule).as(route).isNotNull();
            assertThat(rule.kind() == Access.Kind.OPEN).as(route + " is open").isEqualTo(PUBLIC.contains(route));
            assertThat(rule.kind() == Access.Kind.SELF_AUTHENTICATED).as(route + " checks its own secret")
                    .isEqualTo(SELF_AUTHENTICATED.contains(route));
            assertThat(rule.kind() == Access.Kind.LOCAL).as(route + " is for the local command line")
                    .isEqualTo(LOCAL.contains(route));
            // HMA's API, and only it, takes calls without a token from hma.trusted_networks
            String path = e.endpoint.path;
            assertThat(rule.kind() == Access.Kind.TOKEN_OR_TRUSTED_NETWORK).as(route + " is HMA's")
                    .isEqualTo(path.startsWith("/h/") || path.startsWith("/m/") || path.startsWith("/c/"));
        }
    }

    @Test
    void a_route_that_declares_no_access_rule_is_refused_by_the_guard() {
        AuthGuard guard = new AuthGuard(server.deps.tokens(), server.deps.users(), null, new ClientAddress(false),
                org.sightline.access.Networks.none());
        Javalin bare = Javalin.create(config -> {
            guard.install(config.routes);
            config.routes.get("/forgotten", ctx -> ctx.result("secret"));
            config.routes.get("/declared", ctx -> ctx.result("fine"), Access.open());
            config.routes.exception(Refusal.class, (e, ctx) -> ctx.status(HttpRefusals.status(e)).result(e.code()));
        }).start("127.0.0.1", 0);
        try {
            String base = "http://127.0.0.1:" + bare.port();
            assertThat(new PanelClient(base).get("/forgotten").status()).isEqualTo(403);
            assertThat(new PanelClient(base).get("/declared").status()).isEqualTo(200);
        } finally {
            bare.stop();
        }
    }

    @Test
    void every_route_without_credentials_is_sent_to_login_or_refused() {
        List<String> routes = routes();
        assertThat(routes).contains("GET /queue", "GET /cases/{id}", "POST /cases/{id}/confirm", "POST /media/{id}/reveal",
                "GET /audit", "GET /", "GET /banks", "GET /settings", "POST /users/invitations",
                "POST /instances/{name}/token", "POST /instances/{name}/poll", "GET /settings/plugins",
                "POST /settings/plugins/{name}", "PUT /api/v1/plugins/{name}", "POST /api/v1/instances/{name}/poll",
                "GET /tokens", "POST /tokens/{id}/revoke", "GET /api/v1/tokens", "DELETE /api/v1/tokens/{id}",
                "GET /api/v1/lists/{name}/tokens", "DELETE /api/v1/lists/{name}/tokens/{id}");
        PanelClient anonymous = new PanelClient(server.base);
        int checked = 0;
        for (String route : routes) {
            if (PUBLIC.contains(route) || SELF_AUTHENTICATED.contains(route)) continue;
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "1");
            PanelClient.Page p = anonymous.request(method, path);
            if (route.contains(" /api/") || route.contains(" /m/") || route.contains(" /h/") || route.contains(" /c/")) {
                assertThat(p.status()).as(route).isEqualTo(401);
            } else if (method.equals("GET")) {
                assertThat(p.status()).as(route).isIn(302, 303);
                assertThat(p.location()).as(route).startsWith("/login?next=");
            } else {
                assertThat(p.status()).as(route).isEqualTo(401);
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(25);
        // The webhooks answer 401 (or 404 for an unknown instance) without their secret, and the OAuth
        // callback without the state it issued: nothing stored.
        for (String route : SELF_AUTHENTICATED) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "none");
            assertThat(anonymous.request(method, path).status()).as(route).isIn(400, 401, 404);
        }
    }

    @Test
    void a_session_lets_a_moderator_in_and_logout_ends_it() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient mia = new PanelClient(server.base);
        PanelClient.Page login = mia.login("mia", PASSWORD);
        assertThat(login.status()).isIn(302, 303);
        assertThat(login.location()).isEqualTo("/");
        assertThat(mia.get("/queue").status()).isEqualTo(200);
        assertThat(mia.get("/").body()).contains("open cases");
        String session = mia.cookies.get("sightline_session");
        assertThat(mia.postForm("/logout").status()).isIn(302, 303);
        assertThat(mia.get("/queue").status()).isIn(302, 303);
        PanelClient replay = new PanelClient(server.base);
        replay.cookies.put("sightline_session", session);
        assertThat(replay.get("/queue").status()).isIn(302, 303);
    }

    @Test
    void session_cookie_is_httponly_samesite_lax_and_secure_only_when_configured() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        String cookie = new PanelClient(server.base).login("mia", PASSWORD).setCookies().stream()
                .filter(c -> c.startsWith("sightline_session=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
        server.close();
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                .with("http.secure_cookies", true));
        String secure = new PanelClient(server.base).login("mia", PASSWORD).setCookies().stream()
                .filter(c -> c.startsWith("sightline_session=")).findFirst().orElseThrow();
        assertThat(secure).contains("HttpOnly").contains("SameSite=Lax").contains("Secure");
    }

    @Test
    void sessions_are_stored_hashed_and_end_after_the_idle_timeout() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", PASSWORD);
        String token = mia.cookies.get("sightline_session");
        List<String> stored = server.deps.database().jdbi().withHandle(h ->
                h.createQuery("SELECT token_hash FROM sessions").mapTo(String.class).list());
        assertThat(stored).hasSize(1).doesNotContain(token);
        server.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE sessions SET last_seen_at = :t")
                .bind("t", Instant.now().minusSeconds(31 * 60)).execute());
        assertThat(mia.get("/queue").status()).isIn(302, 303);
    }

    @Test
    void forms_without_the_session_csrf_token_are_refused() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelFixtures.banks(server);
        long caseId = PanelFixtures.cases(server, 1).get(0);
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", PASSWORD);
        mia.get("/cases/" + caseId);
        assertThat(mia.post("/cases/" + caseId + "/dismiss", "reason", "looks fine").status()).isEqualTo(403);
        assertThat(mia.post("/cases/" + caseId + "/dismiss", "csrf", "forged", "reason", "looks fine").status())
                .isEqualTo(403);
        assertThat(mia.post("/settings", "blur_strength", "0").status()).isEqualTo(403);
        assertThat(mia.post("/media/" + PanelFixtures.mediaOf(server, caseId) + "/reveal").status()).isEqualTo(403);
        assertThat(server.deps.review().find(caseId).orElseThrow().state().wireName()).isEqualTo("open");
        // Another user's token is no good either: tokens are bound to their session.
        server.deps.users().create("max", Role.MODERATOR, PASSWORD);
        PanelClient max = new PanelClient(server.base);
        max.login("max", PASSWORD);
        max.get("/queue");
        assertThat(mia.post("/cases/" + caseId + "/dismiss", "csrf", max.csrf, "reason", "x").status()).isEqualTo(403);
        // The right token works.
        assertThat(mia.postForm("/cases/" + caseId + "/dismiss", "reason", "looks fine").status()).isIn(302, 303);
        assertThat(server.deps.review().find(caseId).orElseThrow().decision()).isEqualTo("dismiss");
    }

    @Test
    void the_login_form_needs_its_pre_session_token() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient c = new PanelClient(server.base);
        assertThat(c.post("/login", "username", "mia", "password", PASSWORD).status()).isEqualTo(403);
        assertThat(c.cookies).doesNotContainKey("sightline_session");
    }

    @Test
    void a_viewer_sees_the_queue_but_cannot_decide_or_reveal() {
        server.deps.users().create("vic", Role.VIEWER, PASSWORD);
        PanelFixtures.banks(server);
        long caseId = PanelFixtures.cases(server, 1).get(0);
        PanelClient vic = new PanelClient(server.base);
        vic.login("vic", PASSWORD);
        assertThat(vic.get("/queue").body()).contains("/cases/" + caseId);
        PanelClient.Page page = vic.get("/cases/" + caseId);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("id=\"confirm-form\"");
        assertThat(vic.postForm("/cases/" + caseId + "/confirm", "label", "spam").status()).isEqualTo(403);
        assertThat(vic.postForm("/cases/" + caseId + "/dismiss", "reason", "no").status()).isEqualTo(403);
        assertThat(vic.postForm("/cases/" + caseId + "/escalate", "reason", "no").status()).isEqualTo(403);
        assertThat(vic.postForm("/media/" + PanelFixtures.mediaOf(server, caseId) + "/reveal").status()).isEqualTo(403);
        assertThat(vic.get("/audit").status()).isEqualTo(403);
        assertThat(vic.get("/banks").status()).isEqualTo(403);
        assertThat(server.deps.review().find(caseId).orElseThrow().state().wireName()).isEqualTo("open");
        assertThat(server.deps.review().find(caseId).orElseThrow().claimedBy()).isNull();
    }

    @Test
    void five_failed_logins_lock_the_account_for_a_while_even_with_the_right_password() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient attacker = new PanelClient(server.base);
        for (int i = 0; i < 5; i++) assertThat(attacker.login("mia", "wrong password " + i).status()).isEqualTo(401);
        assertThat(attacker.login("mia", PASSWORD).status()).isEqualTo(429);
        assertThat(attacker.cookies).doesNotContainKey("sightline_session");
    }

    @Test
    void failures_across_accounts_from_one_address_are_throttled_too() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient attacker = new PanelClient(server.base);
        for (int i = 0; i < 5; i++) assertThat(attacker.login("guess" + i, "wrong password").status()).isEqualTo(401);
        assertThat(attacker.login("mia", PASSWORD).status()).isEqualTo(429);
    }

    @Test
    void behind_a_proxy_logins_are_throttled_by_the_forwarded_address() {
        server.close();
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                .with("http.forwarded_for", true));
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        for (int i = 0; i < 5; i++) {
            assertThat(loginFrom("198.51.100.7", "guess" + i, "wrong password")).isEqualTo(401);
        }
        assertThat(loginFrom("198.51.100.7", "mia", PASSWORD)).isEqualTo(429);
        // A forged first hop does not help the attacker; another client of the same proxy is not locked out.
        assertThat(loginFrom("203.0.113.1, 198.51.100.7", "mia", PASSWORD)).isEqualTo(429);
        assertThat(loginFrom("192.0.2.20", "mia", PASSWORD)).isEqualTo(302);
    }

    int loginFrom(String forwardedFor, String name, String password) {
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String body = "csrf=" + "t".repeat(24) + "&username=" + name + "&password=" + password.replace(" ", "+");
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", "sightline_pre=" + "t".repeat(24))
                    .header("X-Forwarded-For", forwardedFor)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void an_admin_changes_roles_and_disables_users_whose_sessions_end_at_once() {
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient ada = new PanelClient(server.base);
        ada.login("ada", PASSWORD);
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", PASSWORD);
        assertThat(mia.get("/banks").status()).isEqualTo(200);

        ada.get("/users");
        assertThat(ada.postForm("/users/mia/role", "role", "viewer").status()).isIn(302, 303);
        assertThat(server.deps.users().find("mia").orElseThrow().role()).isEqualTo("viewer");
        assertThat(mia.get("/queue").status()).isIn(302, 303);
        mia.login("mia", PASSWORD);
        assertThat(mia.get("/banks").status()).isEqualTo(403);

        assertThat(ada.postForm("/users/mia/access", "access", "disable").status()).isIn(302, 303);
        assertThat(mia.get("/queue").status()).isIn(302, 303);
        assertThat(mia.login("mia", PASSWORD).status()).isEqualTo(401);
        assertThat(ada.postForm("/users/mia/access", "access", "enable").status()).isIn(302, 303);
        assertThat(mia.login("mia", PASSWORD).status()).isIn(302, 303);

        // An admin cannot lock themself out, and only admins manage users.
        assertThat(ada.postForm("/users/ada/role", "role", "viewer").status()).isEqualTo(400);
        assertThat(ada.postForm("/users/ada/access", "access", "disable").status()).isEqualTo(400);
        assertThat(mia.postForm("/users/ada/access", "access", "disable").status()).isEqualTo(403);
        assertThat(server.deps.audit().search("ada", "", "user:mia", Long.MAX_VALUE, 10)).extracting(e -> e.action())
                .containsExactly("user_enable", "user_disable", "user_role");
    }

    @Test
    void invitation_links_use_the_configured_public_url() {
        server.close();
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                .with("http.public_url", "https://sightline.example/"));
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
        PanelClient ada = new PanelClient(server.base);
        ada.login("ada", PASSWORD);
        ada.get("/users");
        assertThat(ada.postForm("/users/invitations", "role", "viewer").body())
                .containsPattern("value=\"https://sightline\\.example/invite/[A-Za-z0-9_-]{43}\"");
    }

    @Test
    void an_invitation_link_makes_one_account_once() {
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
        PanelClient ada = new PanelClient(server.base);
        ada.login("ada", PASSWORD);
        ada.get("/users");
        PanelClient.Page invited = ada.postForm("/users/invitations", "role", "moderator");
        assertThat(invited.status()).isEqualTo(200);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("value=\"(http[^\"]+/invite/([^\"]+))\"").matcher(invited.body());
        assertThat(m.find()).isTrue();
        String path = "/invite/" + m.group(2);

        PanelClient newcomer = new PanelClient(server.base);
        assertThat(newcomer.get(path).body()).contains("moderator");
        PanelClient.Page accepted = newcomer.post(path, "csrf", newcomer.csrf, "username", "nia",
                "password", "a long new password", "confirm_password", "a long new password");
        assertThat(accepted.status()).isIn(302, 303);
        assertThat(newcomer.login("nia", "a long new password").status()).isIn(302, 303);
        assertThat(server.deps.users().find("nia").orElseThrow().role()).isEqualTo("moderator");

        PanelClient second = new PanelClient(server.base);
        assertThat(second.get(path).status()).isEqualTo(404);
        second.post(path, "csrf", second.cookies.get("sightline_pre"), "username", "eve", "password", "another password",
                "confirm_password", "another password");
        assertThat(server.deps.users().find("eve")).isEmpty();
        // Only admins invite.
        assertThat(newcomer.postForm("/users/invitations", "role", "admin").status()).isEqualTo(403);
    }

    @Test
    void a_password_change_needs_the_current_password_and_ends_other_sessions() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient laptop = new PanelClient(server.base);
        laptop.login("mia", PASSWORD);
        PanelClient phone = new PanelClient(server.base);
        phone.login("mia", PASSWORD);
        laptop.get("/password");
        assertThat(laptop.postForm("/password", "current_password", "not it", "new_password", "brand new secret",
                "confirm_password", "brand new secret").status()).isEqualTo(400);
        assertThat(laptop.postForm("/password", "current_password", PASSWORD, "new_password", "brand new secret",
                "confirm_password", "brand new secret").body()).contains("Password changed");
        assertThat(laptop.get("/queue").status()).isEqualTo(200);
        assertThat(phone.get("/queue").status()).isIn(302, 303);
        assertThat(new PanelClient(server.base).login("mia", PASSWORD).status()).isEqualTo(401);
        assertThat(new PanelClient(server.base).login("mia", "brand new secret").status()).isIn(302, 303);
    }

    @Test
    void passwords_are_stored_as_argon2id() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        String stored = server.deps.database().jdbi().withHandle(h ->
                h.createQuery("SELECT password_hash FROM users").mapTo(String.class).one());
        assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(PASSWORD);
    }

    @Test
    void login_redirects_only_to_local_paths() {
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient c = new PanelClient(server.base);
        c.get("/login");
        PanelClient.Page p = c.post("/login", "csrf", c.csrf, "username", "mia", "password", PASSWORD,
                "next", "//evil.example/x");
        assertThat(p.location()).isEqualTo("/");
    }
}
