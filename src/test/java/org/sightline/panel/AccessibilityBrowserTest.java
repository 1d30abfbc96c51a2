package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.HandlerType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.sightline.TestServer;
import org.sightline.access.Access;
import org.sightline.access.Role;
import org.sightline.config.Config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * axe-core (the accessibility engine, from the test classpath; the panel never serves it) over every page of the
 * panel, at a wide and a phone-sized window: no serious or critical finding.
 */
class AccessibilityBrowserTest {
    @TempDir
    Path data;
    @TempDir
    Path profile;

    static String axeSource() throws IOException {
        try (InputStream in = AccessibilityBrowserTest.class.getResourceAsStream("/axe.min.js")) {
            if (in == null) throw new AssertionError("axe.min.js is not on the test classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The serious and critical findings on the page now open, as "rule (impact): help — where". */
    static List<String> findings(Browser b, String axe) throws IOException {
        JavascriptExecutor js = (JavascriptExecutor) b.driver;
        js.executeScript(axe);
        b.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        String out = (String) js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(JSON.stringify(r.violations)); })"
                + ".catch(function (e) { done('ERROR ' + e); });");
        assertThat(out).doesNotStartWith("ERROR");
        List<String> found = new ArrayList<>();
        for (JsonNode v : new ObjectMapper().readTree(out)) {
            String impact = v.path("impact").asText();
            if (!impact.equals("serious") && !impact.equals("critical")) continue;
            List<String> where = new ArrayList<>();
            for (JsonNode n : v.path("nodes")) where.add(n.path("target").toString());
            found.add(v.path("id").asText() + " (" + impact + "): " + v.path("help").asText() + " — " + where);
        }
        return found;
    }

    @Test
    void every_page_has_no_serious_or_critical_accessibility_finding() throws Exception {
        try (TestServer server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0))) {
            PanelFixtures.banks(server);
            List<Long> cases = PanelFixtures.cases(server, 3);
            server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
            // an instance, so that the Instances page shows its rows and forms
            server.deps.instances().add(new org.sightline.instances.InstanceService.NewInstance("social", "mastodon",
                    "https://social.example", "a-webhook-secret-of-some-length", null, null, null, null));
            List<String> pages = everyPage(server, cases.get(0));
            String axe = axeSource();
            List<String> problems = new ArrayList<>();
            try (Browser b = new Browser(server.base, profile)) {
                b.go("/login");
                for (String f : findings(b, axe)) problems.add("/login: " + f);
                b.login("ada", "correct horse battery");
                for (int width : new int[] {1280, 400}) {
                    b.driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, 900));
                    for (String page : pages) {
                        b.go(page);
                        for (String f : findings(b, axe)) problems.add(page + " at " + width + " px: " + f);
                    }
                }
                // the page after a decision, with its notice and Undo
                b.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
                b.go("/cases/" + cases.get(1) + "?done=" + cases.get(0));
                for (String f : findings(b, axe)) problems.add("case page with a notice: " + f);
            }
            assertThat(problems).as("serious or critical axe findings").isEmpty();
        }
    }

    /** Every page the panel serves to a browser (as {@link PanelBrowserTest} lists them). */
    static List<String> everyPage(TestServer server, long caseId) {
        Set<String> notPages = Set.of("/audit.csv", "/media/{id}/preview", "/cases/next");
        List<String> pages = new ArrayList<>();
        for (var e : server.app.unsafe.internalRouter.allHttpHandlers()) {
            Access rule = PanelAccessTest.declared(e);
            if (e.endpoint.method != HandlerType.GET || rule == null || rule.kind() != Access.Kind.PANEL
                    || notPages.contains(e.endpoint.path)) continue;
            pages.add(e.endpoint.path.replace("{id}", Long.toString(caseId)).replace("{name}", "known-bad"));
        }
        pages.add("/no-such-page");
        return pages;
    }
}
