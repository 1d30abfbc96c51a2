package org.sightline.panel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.config.Config;
import org.sightline.ingest.follow.FakeTimelines;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backfill in Chromium: the page answers at once, the job's progress bar moves as the job pages back through
 * the timeline (polled by panel.js), and the Backfill button stays disabled until the job ends.
 */
class JobProgressBrowserTest {
    @TempDir
    Path data;
    @TempDir
    Path profile;

    @Test
    void a_backfills_progress_bar_moves_while_it_runs_and_its_button_waits_for_the_end() throws Exception {
        try (FakeTimelines mastodon = new FakeTimelines();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                     .with("follow.check_ms", 200).with("misskey.poll_interval_s", 0))) {
            server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
            server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(), null,
                    FakeTimelines.TOKEN, null, null, null));
            // three days of remote posts, 200 of them: five pages of 40 going back in time
            Instant now = Instant.now();
            for (int i = 0; i < 200; i++) {
                Instant at = now.minus(Duration.ofHours(72)).plus(Duration.ofMinutes(21L * i));
                mastodon.publishQuietly(mastodon.status("p" + i + "@remote.example", "a" + i,
                        "https://remote.example/media/" + i + ".jpg", at));
            }
            try (Browser b = new Browser(server.base, profile)) {
                b.login("ada", "correct horse battery");
                b.go("/instances");
                new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.cssSelector("select.watch-select")))
                        .selectByVisibleText("remote");
                b.driver.findElement(By.xpath("//select[contains(@class,'watch-select')]/ancestor::form//button")).click();
                WebElement days = b.wait.until(ExpectedConditions.presenceOfElementLocated(By.name("days")));
                days.clear();
                days.sendKeys("3");
                mastodon.timelineDelayMillis = 1500; // each page of the timeline takes a moment: the bar has time to move
                Instant clicked = Instant.now();
                b.driver.findElement(By.cssSelector("button.backfill")).click();
                b.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("backfill-started")));
                assertThat(Duration.between(clicked, Instant.now())).as("the page does not wait for the job")
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(b.driver.findElement(By.cssSelector("button.backfill")).isEnabled()).isFalse();

                List<String> seen = new ArrayList<>();
                Instant deadline = Instant.now().plus(Duration.ofSeconds(40));
                String state = "";
                while (Instant.now().isBefore(deadline) && !state.equals("done")) {
                    // the job's state, its bar and the button read in one step: the page's script may finish the
                    // job (and enable the button) between two separate reads
                    @SuppressWarnings("unchecked")
                    List<Object> read = (List<Object>) ((org.openqa.selenium.JavascriptExecutor) b.driver).executeScript(
                            "var box = document.querySelector('div.job[data-job]');"
                                    + " return [box.getAttribute('data-state'),"
                                    + " box.querySelector('progress.job-progress').value,"
                                    + " document.querySelector('button.backfill').disabled];");
                    state = String.valueOf(read.get(0));
                    String value = String.valueOf(read.get(1));
                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(value)) seen.add(value);
                    if (!state.equals("done")) {
                        assertThat((Boolean) read.get(2)).as("Backfill disabled while the job is " + state).isTrue();
                    }
                    Thread.sleep(200);
                }
                assertThat(state).isEqualTo("done");
                // from the start through at least one step in between to the whole period (72 hours)
                List<Double> values = seen.stream().map(Double::parseDouble).toList();
                assertThat(values).isSorted();
                assertThat(values.get(values.size() - 1)).isEqualTo(72.0);
                assertThat(values.stream().filter(v -> v > 0 && v < 72).count()).as("values seen: " + seen)
                        .isGreaterThanOrEqualTo(1);
                assertThat(b.driver.findElement(By.cssSelector("div.job .job-count")).getText()).isEqualTo("72/72");
                b.wait.until(d -> d.findElement(By.cssSelector("button.backfill")).isEnabled());
            }
        }
    }
}
