package org.sightline.panel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.exchanges.FakeExchangeServer;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Fetch now" on the Exchanges page in Chromium: the page answers at once, the job's count moves page by page
 * (polled by panel.js), the button waits for the end, and the page fits a phone.
 */
class FetchJobBrowserTest {
    @TempDir
    Path data;
    @TempDir
    Path profile;

    /** StopNCII's shape: three pages, each taking a moment. */
    static FakeExchangeServer.Answer slowPages(FakeExchangeServer.Seen s) {
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String token = s.query().get("nextPageToken");
        int page = token == null ? 1 : Integer.parseInt(token);
        String body = "{\"count\": 1, \"nextSetTimestamp\": 1700000" + page + "00, "
                + (page < 3 ? "\"nextPageToken\": \"" + (page + 1) + "\", \"hasMoreRecords\": true," : "\"hasMoreRecords\": false,")
                + " \"hashRecords\": [{\"lastModtimestamp\": 1700000000, \"hashValue\": \""
                + ExchangesPanelTest.random(100 + page) + "\", \"hashStatus\": \"Active\", \"caseNumbers\": {}, \"signalType\": \"ImagePDQ\"}]}";
        return new FakeExchangeServer.Answer(200, "application/json", body);
    }

    @Test
    void a_fetchs_count_moves_page_by_page_and_its_button_waits_for_the_end() throws Exception {
        try (FakeExchangeServer fake = new FakeExchangeServer();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                     .with("fetch.allow_private_addresses", true).with("exchanges.allow_custom_endpoints", true))) {
            String admin = server.token("admin", Scope.ADMIN);
            assertThat(server.postJson("/c/exchanges/api/stop_ncii", admin, "{\"credential_json\": {\"fetch_function_key\":"
                    + " \"fk\", \"subscription_key\": \"sk\", \"base_url_override\": \"" + fake.base() + "/v1/\"}}").status()).isEqualTo(200);
            assertThat(server.postJson("/c/exchanges", admin, "{\"bank\": \"SNCII\", \"api\": \"stop_ncii\", \"api_json\": {}}")
                    .status()).isEqualTo(201);
            server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
            fake.handler = FetchJobBrowserTest::slowPages;
            try (Browser b = new Browser(server.base, profile)) {
                b.driver.manage().window().setSize(new org.openqa.selenium.Dimension(400, 860));
                b.login("ada", "correct horse battery");
                b.go("/exchanges");
                Instant clicked = Instant.now();
                b.driver.findElement(By.cssSelector("button.fetch-now")).click();
                b.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("exchange-message")));
                assertThat(Duration.between(clicked, Instant.now())).as("the page does not wait for the job")
                        .isLessThan(Duration.ofSeconds(4));
                assertThat(b.driver.findElement(By.cssSelector("button.fetch-now")).isEnabled()).isFalse();
                assertThat((Long) ((JavascriptExecutor) b.driver).executeScript(
                        "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth);"))
                        .as("/exchanges with a running job at 400 px").isZero();

                List<String> seen = new ArrayList<>();
                Instant deadline = Instant.now().plus(Duration.ofSeconds(40));
                String state = "";
                while (Instant.now().isBefore(deadline) && !state.equals("done") && !state.equals("failed")) {
                    // state, count and button in one read: the page's script may end the job between two reads
                    @SuppressWarnings("unchecked")
                    List<Object> read = (List<Object>) ((org.openqa.selenium.JavascriptExecutor) b.driver).executeScript(
                            "var box = document.querySelector('div.job[data-job]');"
                                    + " return [box.getAttribute('data-state'), box.querySelector('.job-count').textContent.trim(),"
                                    + " document.querySelector('button.fetch-now').disabled];");
                    state = String.valueOf(read.get(0));
                    String count = String.valueOf(read.get(1));
                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(count)) seen.add(count);
                    if (!state.equals("done")) {
                        assertThat((Boolean) read.get(2)).as("Fetch now disabled while the job is " + state).isTrue();
                    }
                    Thread.sleep(200);
                }
                assertThat(state).as("counts seen: " + seen).isEqualTo("done");
                assertThat(seen.get(seen.size() - 1)).isEqualTo("3/3");
                assertThat(seen).as("a page counted before the end").containsAnyOf("1", "2");
                b.wait.until(d -> d.findElement(By.cssSelector("button.fetch-now")).isEnabled());
                assertThat(server.deps.banks().countActive(server.deps.banks().get("SNCII").id())).isEqualTo(3);
            }
        }
    }
}
