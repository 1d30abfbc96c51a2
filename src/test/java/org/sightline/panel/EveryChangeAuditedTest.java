package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.common.Refusal;
import org.sightline.config.Config;
import org.jdbi.v3.core.Handle;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue #18: a change made through the API writes its audit event, as one made in the panel does. */
class EveryChangeAuditedTest {
    static final String PDQ = "f".repeat(64);

    @TempDir
    Path data;
    TestServer server;
    String admin;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        admin = server.token("robot", Scope.ADMIN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode newest(String action) {
        TestServer.Response r = server.get("/api/v1/audit?action=" + action + "&limit=1", admin);
        assertEquals(200, r.status(), r.body());
        JsonNode events = r.json().path("events");
        assertEquals(1, events.size(), "no " + action + " event: " + r.body());
        return events.get(0);
    }

    private void assertEvent(String action, String target) {
        JsonNode e = newest(action);
        assertEquals("token:robot", e.path("actor").asText());
        assertEquals(target, e.path("target").asText());
    }

    @Test
    void bankChangesByTokenAreAudited() {
        assertEquals(201, server.postJson("/api/v1/banks", admin, "{\"name\":\"spam\"}").status());
        assertEvent("bank_create", "bank:spam");
        assertEquals(200, server.send("PATCH", "/api/v1/banks/spam", admin, "application/json",
                "{\"mode\":\"observe\"}", null).status());
        assertEvent("bank_update", "bank:spam");
        TestServer.Response added = server.postJson("/api/v1/banks/spam/entries", admin,
                "{\"signal_type\":\"pdq\",\"value\":\"" + PDQ + "\"}");
        assertEquals(201, added.status(), added.body());
        assertEvent("bank_add", "bank:spam");
        assertFalse(newest("bank_add").path("detail").asText().contains(PDQ), "no hash values in the log");
        long id = added.json().path("ids").get(0).asLong();
        assertEquals(200, server.send("DELETE", "/api/v1/banks/spam/entries/" + id, admin, null, null, null).status());
        assertEvent("bank_retract", "bank:spam");
    }

    @Test
    void anInstanceAddedByTokenIsAuditedWithoutItsSecret() {
        TestServer.Response r = server.postJson("/api/v1/instances", admin,
                "{\"name\":\"social\",\"kind\":\"mastodon\",\"url\":\"https://social.example\"}");
        assertEquals(201, r.status(), r.body());
        assertEvent("instance_add", "instance:social");
        assertFalse(newest("instance_add").path("detail").asText().contains(r.json().path("webhook_secret").asText()));
    }

    @Test
    void aFailedLoginIsAuditedWithoutThePassword() {
        PanelClient c = new PanelClient(server.base);
        c.get("/login");
        PanelClient.Page p = c.post("/login", "csrf", c.csrf, "username", "mallory\u0007" + "x".repeat(100), "password", "hunter2-secret");
        assertEquals(401, p.status());
        TestServer.Response r = server.get("/api/v1/audit?action=login_failed", admin);
        JsonNode e = r.json().path("events").get(0);
        assertNotNull(e, r.body());
        assertTrue(e.path("target").asText().startsWith("user:mallory?xxx"), e.toString());
        assertTrue(e.path("target").asText().length() < 80, e.toString());
        assertFalse(r.body().contains("hunter2"), "the password is never recorded");
        assertFalse(e.path("detail").asText().isEmpty(), "the client address");
    }

    @Test
    void theAuditApiFiltersAndPagesNewestFirst() {
        for (int i = 0; i < 5; i++) server.deps.audit().append("tester", "poke", "thing:" + i, "");
        server.deps.audit().append("other", "poke", "thing:x", "");
        List<Long> seen = new ArrayList<>();
        String before = "";
        int pages = 0;
        while (true) {
            TestServer.Response r = server.get("/api/v1/audit?actor=tester&action=poke&limit=2" + before, admin);
            assertEquals(200, r.status(), r.body());
            for (JsonNode e : r.json().path("events")) {
                assertEquals("tester", e.path("actor").asText());
                seen.add(e.path("seq").asLong());
            }
            pages++;
            if (r.json().path("next").isNull()) break;
            before = "&before=" + r.json().path("next").asLong();
        }
        assertEquals(3, pages);
        assertEquals(5, seen.size());
        for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i) < seen.get(i - 1), "newest first: " + seen);
        assertEquals(1, server.get("/api/v1/audit?target=thing:x", admin).json().path("events").size());
        assertEquals(0, server.get("/api/v1/audit?actor=tester&since=" + Instant.now().plusSeconds(3600), admin)
                .json().path("events").size());
        assertEquals(400, server.get("/api/v1/audit?limit=0", admin).status());
        assertEquals(403, server.get("/api/v1/audit", server.token("reader", Scope.BANKS_READ)).status());
    }

    @Test
    void anAuditEventDisappearsWithTheRetractionThatWasRolledBack() {
        assertEquals(201, server.postJson("/api/v1/banks", admin, "{\"name\":\"spam\"}").status());
        long id = server.postJson("/api/v1/banks/spam/entries", admin,
                "{\"signal_type\":\"pdq\",\"value\":\"" + PDQ + "\"}").json().path("ids").get(0).asLong();
        server.deps.banks().addHook(new BankService.EntryHook() {
            @Override
            public void added(Handle h, Bank bank, List<BankEntry> entries) {
            }

            @Override
            public void retracted(Handle h, Bank bank, List<BankEntry> entries, Instant at) {
                throw Refusal.conflict("refused after the audit event was written");
            }
        });
        assertEquals(409, server.send("DELETE", "/api/v1/banks/spam/entries/" + id, admin, null, null, null).status());
        assertEquals(0, server.get("/api/v1/audit?action=bank_retract", admin).json().path("events").size());
        assertTrue(server.deps.audit().verify().ok());
    }
}
