package org.sightline.panel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.actions.FakeMastodon;
import org.sightline.config.Config;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The case page in Chromium: the evidence comes first (preview, why it is here, the evidence table, the post and
 * the account's history), the decision after it; only the actions that can work for the media are offered, the
 * others say why; a failed action is retried from the page and reaches the instance.
 */
class CasePageOrderTest {
    @TempDir
    Path data;
    @TempDir
    Path profile;

    @Test
    void the_evidence_comes_before_the_decision_and_a_failed_report_is_retried_from_the_case_page() throws Exception {
        try (FakeMastodon mastodon = new FakeMastodon(); MediaServer media = new MediaServer();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data)
                     .with("fetch.allow_private_addresses", true).with("ingest.poll_ms", 50))) {
            long caseId = UndoWindowTest.seed(server, mastodon, media, "7301").get(0);
            // a second instance Sightline has no token for
            server.deps.instances().add(new InstanceService.NewInstance("quiet", "mastodon", mastodon.url(),
                    Webhooks.SECRET, null, null, null, null));
            Webhooks.post(server, "quiet", Webhooks.status("status.created", "7302", "att7302",
                    media.url("/b.jpg")), Webhooks.SECRET);
            long quietCase = UndoWindowTest.await(() -> server.deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT c.id FROM cases c JOIN media_overview m ON m.id = c.media_id WHERE m.status_id = '7302'")
                    .mapTo(Long.class).findOne().orElse(0L)));
            server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");

            try (Browser b = new Browser(server.base, profile)) {
                b.login("mia", "correct horse battery");
                b.go("/cases/" + caseId);
                List<String> order = List.of("media", "why-here", "author", "evidence", "account-history-summary",
                        "confirm-form", "dismiss-form", "escalate-form", "history");
                assertThat(documentOrder(b, order)).as("document order").isEqualTo(order);
                int evidenceY = b.driver.findElement(By.id("evidence")).getRect().getY();
                assertThat(b.driver.findElement(By.id("confirm-form")).getRect().getY()).isGreaterThan(evidenceY);
                assertThat(b.driver.findElement(By.id("confirm")).getAttribute("class")).contains("primary");
                assertThat(b.driver.findElement(By.id("dismiss")).getAttribute("class")).contains("secondary");
                assertThat(b.driver.findElement(By.id("author")).getText()).contains("@");

                // Mastodon has no delete here: not offered, and the page says why
                assertThat(b.driver.findElements(By.cssSelector("#confirm-form input[name=action][value=delete]"))).isEmpty();
                assertThat(b.driver.findElements(By.cssSelector("#confirm-form input[name=action][value=report]"))).hasSize(1);
                b.driver.findElement(By.cssSelector("#unavailable-actions summary")).click();
                assertThat(b.driver.findElement(By.cssSelector("#unavailable-actions li[data-action=delete]")).getText())
                        .contains("no enabled plugin does this on mastodon instances");

                // the instance refuses the first report; the moderator retries it from the case page
                mastodon.failNext(422);
                b.driver.findElement(By.cssSelector("#confirm-form input[name=action][value=report]")).click();
                b.driver.findElement(By.id("confirm")).click();
                b.wait.until(d -> d.getCurrentUrl().contains("done=" + caseId));
                UndoWindowTest.await(() -> mastodon.calls("/api/v1/reports").size());
                b.wait.until(d -> {
                    d.get(server.base + "/cases/" + caseId);
                    return !d.findElements(By.cssSelector("#actions li[data-action=report][data-state=failed]")).isEmpty();
                });
                WebElement retry = b.driver.findElement(By.cssSelector("#actions li[data-action=report] form.retry button"));
                assertThat(retry.getText()).isEqualTo("Retry");
                assertThat(retry.getAttribute("aria-label")).isEqualTo("Retry: Report to the instance");
                retry.click();
                b.wait.until(d -> {
                    d.get(server.base + "/cases/" + caseId);
                    return !d.findElements(By.cssSelector("#actions li[data-action=report][data-state=done]")).isEmpty();
                });
                assertThat(mastodon.calls("/api/v1/reports")).hasSize(2);
                assertThat(b.driver.findElements(By.cssSelector("#actions form.retry"))).isEmpty();
                assertThat(server.deps.audit().search("mia", "action_retry", "case:" + caseId, Long.MAX_VALUE, 5))
                        .hasSize(1);

                // without a token nothing on the instance is offered, and the reason names the fix
                b.go("/cases/" + quietCase);
                assertThat(b.driver.findElements(By.cssSelector("#confirm-form input[name=action][value=report]"))).isEmpty();
                b.driver.findElement(By.cssSelector("#unavailable-actions summary")).click();
                assertThat(b.driver.findElement(By.cssSelector("#unavailable-actions li[data-action=report]")).getText())
                        .contains("no API token for quiet");
            }
        }
    }

    /** The ids of {@code ids} sorted by where their elements stand in the document. */
    @SuppressWarnings("unchecked")
    static List<String> documentOrder(Browser b, List<String> ids) {
        return (List<String>) ((JavascriptExecutor) b.driver).executeScript(
                "var els = arguments[0].map(function (id) { var e = document.getElementById(id);"
                        + " if (!e) throw new Error('no #' + id); return e; });"
                        + "els.sort(function (a, b) { return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });"
                        + "return els.map(function (e) { return e.id; });", ids);
    }
}
