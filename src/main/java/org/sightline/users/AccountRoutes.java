package org.sightline.users;

import org.sightline.access.Access;
import org.sightline.access.PanelSession;
import org.sightline.access.Role;
import org.sightline.access.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.audit.AuditLog;
import org.sightline.web.ClientAddress;
import org.sightline.web.Cookies;
import org.sightline.web.Page;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Login, logout, password change, invitations, the users page and the wellness settings. */
public final class AccountRoutes {
    private final UserService users;
    private final AuditLog audit;
    private final Cookies cookies;
    private final SecureRandom random;
    private final ClientAddress addresses;
    private final String publicUrl;

    private AccountRoutes(UserService users, AuditLog audit, Cookies cookies, SecureRandom random,
                          ClientAddress addresses, String publicUrl) {
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", "");
        this.users = users;
        this.audit = audit;
        this.cookies = cookies;
        this.random = random;
        this.addresses = addresses;
    }

    public static void register(RoutesConfig routes, UserService users, AuditLog audit,
                                Cookies cookies, SecureRandom random, ClientAddress addresses, String publicUrl) {
        AccountRoutes r = new AccountRoutes(users, audit, cookies, random, addresses, publicUrl);
        // The login and invitation forms are public by nature; they check a pre-session CSRF cookie themselves.
        routes.get("/login", r::loginForm, Access.open());
        routes.post("/login", r::login, Access.open());
        routes.get("/invite/{token}", r::inviteForm, Access.open());
        routes.post("/invite/{token}", r::acceptInvite, Access.open());
        routes.post("/logout", r::logout, Access.panel(Role.VIEWER));
        routes.get("/password", ctx -> Page.render(ctx, "password.peb", Map.of()), Access.panel(Role.VIEWER));
        routes.post("/password", r::changePassword, Access.panel(Role.VIEWER));
        routes.get("/settings", ctx -> Page.render(ctx, "settings.peb", Map.of()), Access.panel(Role.VIEWER));
        routes.post("/settings", r::saveSettings, Access.panel(Role.VIEWER));
        routes.get("/users", r::usersPage, Access.panel(Role.ADMIN));
        routes.post("/users/invitations", r::invite, Access.panel(Role.ADMIN));
        routes.post("/users/{name}/role", r::changeRole, Access.panel(Role.ADMIN));
        routes.post("/users/{name}/access", r::changeAccess, Access.panel(Role.ADMIN));
    }

    private String preSessionToken(Context ctx) {
        String t = ctx.cookie(Cookies.PRE_SESSION);
        if (t == null || t.length() < 20 || t.length() > 100) {
            byte[] b = new byte[24];
            random.nextBytes(b);
            t = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            cookies.set(ctx, Cookies.PRE_SESSION, t);
        }
        return t;
    }

    private static boolean preSessionValid(Context ctx) {
        String cookie = ctx.cookie(Cookies.PRE_SESSION);
        String field = ctx.formParam("csrf");
        return cookie != null && field != null
                && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8));
    }

    private void publicPage(Context ctx, int status, String template, Map<String, Object> model) {
        Map<String, Object> m = new HashMap<>(model);
        m.put("csrf", preSessionToken(ctx));
        ctx.status(status);
        org.sightline.web.StaticRoutes.securityHeaders(ctx);
        ctx.render(template, m);
    }

    /** The login form; on an instance without any user yet it says how to create the first admin. */
    private void loginPage(Context ctx, int status, Map<String, Object> model) {
        Map<String, Object> m = new HashMap<>(model);
        m.put("firstRun", !users.anyUser());
        publicPage(ctx, status, "login.peb", m);
    }

    private void loginForm(Context ctx) {
        Map<String, Object> m = new HashMap<>();
        m.put("next", safeNext(ctx.queryParam("next")));
        // after accepting an invitation: a welcome, and the chosen name filled in
        if ("1".equals(ctx.queryParam("welcome"))) {
            m.put("welcome", true);
            String name = ctx.queryParam("username");
            if (name != null && name.length() <= 100) m.put("username", name);
        }
        loginPage(ctx, 200, m);
    }

    private void login(Context ctx) {
        String next = safeNext(ctx.formParam("next"));
        if (!preSessionValid(ctx)) {
            loginPage(ctx, 403, Map.of("next", next, "error", "The form expired. Please try again."));
            return;
        }
        String name = ctx.formParam("username");
        LoginResult result = users.login(name, ctx.formParam("password"), addresses.of(ctx));
        switch (result.outcome()) {
            case OK -> {
                cookies.set(ctx, Cookies.SESSION, result.token());
                cookies.clear(ctx, Cookies.PRE_SESSION);
                audit.append(result.user().name(), "login", "user:" + result.user().name(), "");
                ctx.redirect(next);
            }
            case THROTTLED -> loginPage(ctx, 429, Map.of("next", next, "username", nz(name),
                    "error", "Too many failed logins for this account or address. Wait 15 minutes and try again."));
            case BUSY -> {
                ctx.header("Retry-After", "5");
                loginPage(ctx, 503, Map.of("next", next, "username", nz(name),
                        "error", "The server is busy checking other logins. Please try again in a few seconds."));
            }
            default -> {
                // after UserService has recorded the failure (its own transaction); never the password
                audit.append("anonymous", "login_failed", "user:" + typedName(name), addresses.of(ctx));
                loginPage(ctx, 401, Map.of("next", next, "username", nz(name),
                        "error", "Wrong user name or password."));
            }
        }
    }

    /** A typed account name fit for the audit log: control characters replaced, at most 64 characters. */
    static String typedName(String name) {
        if (name == null) return "";
        String s = name.strip();
        if (s.length() > 64) s = s.substring(0, 64) + "…";
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT ? '?' : c));
        return out.toString();
    }

    private void logout(Context ctx) {
        users.logout(ctx.cookie(Cookies.SESSION));
        cookies.clear(ctx, Cookies.SESSION);
        ctx.redirect("/login");
    }

    private void changePassword(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        String replacement = ctx.formParam("new_password");
        if (replacement == null || !replacement.equals(ctx.formParam("confirm_password"))) {
            ctx.status(400);
            Page.render(ctx, "password.peb", Map.of("error", "The two new passwords differ."));
            return;
        }
        try {
            if (!users.changePassword(s, ctx.formParam("current_password"), replacement)) {
                ctx.status(400);
                Page.render(ctx, "password.peb", Map.of("error", "The current password is wrong."));
                return;
            }
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            Page.render(ctx, "password.peb", Map.of("error", e.getMessage()));
            return;
        }
        audit.append(s.user().name(), "password_change", "user:" + s.user().name(), "");
        Page.render(ctx, "password.peb", Map.of("done", true));
    }

    private void saveSettings(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        try {
            int blur = Integer.parseInt(nz(ctx.formParam("blur_strength")).trim());
            users.setWellness(s.user(), blur, ctx.formParam("greyscale") != null, ctx.formParam("reveal_confirm") != null);
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            Page.render(ctx, "settings.peb", Map.of("error", "Blur strength must be a whole number from 0 to 40."));
            return;
        }
        ctx.redirect("/settings?saved=1");
    }

    private void usersPage(Context ctx) {
        Page.render(ctx, "users.peb", Map.of("users", users.list(), "roles", List.of("viewer", "moderator", "admin")));
    }

    private void invite(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        Role role;
        try {
            role = Role.parse(ctx.formParam("role"));
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            Page.render(ctx, "users.peb", Map.of("users", users.list(), "roles", List.of("viewer", "moderator", "admin"),
                    "error", e.getMessage()));
            return;
        }
        String token = users.invite(role, s.user().name(), Duration.ofDays(7));
        audit.append(s.user().name(), "invite", "role:" + role.wireName(), "");
        String base = publicUrl != null ? publicUrl : ctx.scheme() + "://" + ctx.host();
        Page.render(ctx, "users.peb", Map.of("users", users.list(), "roles", List.of("viewer", "moderator", "admin"),
                "inviteLink", base + "/invite/" + token, "inviteRole", role.wireName()));
    }

    private void changeRole(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        try {
            Role role = Role.parse(ctx.formParam("role"));
            User u = users.setRole(s.user(), ctx.pathParam("name"), role);
            audit.append(s.user().name(), "user_role", "user:" + u.name(), "role=" + u.role());
        } catch (IllegalArgumentException e) {
            usersError(ctx, e.getMessage());
            return;
        }
        ctx.redirect("/users");
    }

    private void changeAccess(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        boolean disable = "disable".equals(ctx.formParam("access"));
        try {
            User u = users.setDisabled(s.user(), ctx.pathParam("name"), disable);
            audit.append(s.user().name(), disable ? "user_disable" : "user_enable", "user:" + u.name(), "");
        } catch (IllegalArgumentException e) {
            usersError(ctx, e.getMessage());
            return;
        }
        ctx.redirect("/users");
    }

    private void usersError(Context ctx, String message) {
        ctx.status(400);
        Page.render(ctx, "users.peb", Map.of("users", users.list(), "roles", List.of("viewer", "moderator", "admin"),
                "error", message));
    }

    private void inviteForm(Context ctx) {
        var inv = users.pendingInvitation(ctx.pathParam("token"));
        if (inv.isEmpty()) {
            publicPage(ctx, 404, "invite.peb", Map.of("gone", true));
            return;
        }
        publicPage(ctx, 200, "invite.peb", Map.of("role", inv.get().role()));
    }

    private void acceptInvite(Context ctx) {
        String token = ctx.pathParam("token");
        if (!preSessionValid(ctx)) {
            publicPage(ctx, 403, "invite.peb", Map.of("error", "The form expired. Please try again."));
            return;
        }
        String password = ctx.formParam("password");
        if (password == null || !password.equals(ctx.formParam("confirm_password"))) {
            publicPage(ctx, 400, "invite.peb", Map.of("error", "The two passwords differ.",
                    "username", nz(ctx.formParam("username"))));
            return;
        }
        User u;
        try {
            u = users.accept(token, ctx.formParam("username"), password);
            audit.append(u.name(), "invitation_accepted", "user:" + u.name(), "role=" + u.role());
        } catch (IllegalArgumentException e) {
            publicPage(ctx, 400, "invite.peb", Map.of("error", e.getMessage(), "username", nz(ctx.formParam("username"))));
            return;
        }
        ctx.redirect("/login?welcome=1&username=" + java.net.URLEncoder.encode(u.name(), StandardCharsets.UTF_8));
    }

    /** Only a local path: never an open redirect to another site. */
    static String safeNext(String next) {
        if (!sameSitePath(next)) return "/";
        // a path that only decodes to somewhere else ("/%2F/evil.example") is refused too
        try {
            return sameSitePath(java.net.URLDecoder.decode(next, java.nio.charset.StandardCharsets.UTF_8)) ? next : "/";
        } catch (IllegalArgumentException e) {
            return "/";
        }
    }

    /**
     * A path on this site: one leading '/' then not another '/' or '\' (browsers read both as another host), and
     * no control characters (browsers drop a tab or newline, turning "/\t/evil" into "//evil").
     */
    private static boolean sameSitePath(String path) {
        if (path == null || path.isEmpty() || path.length() > 2000 || path.charAt(0) != '/') return false;
        if (path.length() > 1 && (path.charAt(1) == '/' || path.charAt(1) == '\\')) return false;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || Character.isISOControl(c)) return false;
        }
        return true;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
