package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.sightline.TestServer;
import org.sightline.audit.AuditEvent;
import org.sightline.config.Config;
import org.sightline.review.ReviewCase;
import org.sightline.access.Access;
import org.sightline.access.Role;
import io.javalin.http.HandlerType;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The panel in headless Chromium: an admin invites a moderator, who logs in and clears a queue of 20 cases with
 * the keyboard, revealing one image (audited), confirming with a label and dismissing to the allow-bank.
 * Skipped only where Chromium is missing and CI is not set; in CI it must run.
 */
class PanelBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Test artifacts; copy them to docs/screenshots when the panel's look changes (they carry timestamps). */
    static final Path SCREENSHOTS = Path.of("target/screenshots");

    @TempDir
    Path data;
    @TempDir
    Path profile;
    TestServer server;
    WebDriver driver;
    WebDriverWait wait;

    @BeforeEach
    void start() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        assumeTrue(present || System.getenv("CI") != null, "chromium and chromium-driver are not installed");
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        // a page may be replaced between finding an element and reading it: look again rather than fail
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void stop() {
        if (driver != null) driver.quit();
        if (server != null) server.close();
    }

    void go(String path) {
        driver.get(server.base + path);
    }

    void press(String keys) {
        driver.findElement(By.tagName("body")).sendKeys(keys);
    }

    void awaitCasePage(long notId) {
        wait.until(d -> {
            List<WebElement> c = d.findElements(By.id("case"));
            return !c.isEmpty() && !c.get(0).getAttribute("data-case").equals(Long.toString(notId))
                    || d.getCurrentUrl().contains("/queue");
        });
    }

    long currentCase() {
        return Long.parseLong(driver.findElement(By.id("case")).getAttribute("data-case"));
    }

    void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File f = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    void login(String name, String password) {
        go("/login");
        driver.findElement(By.id("username")).sendKeys(name);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("header.top")));
    }

    @Test
    void an_invited_moderator_clears_a_queue_of_twenty_cases_with_the_keyboard() throws Exception {
        PanelFixtures.banks(server);
        List<Long> ids = PanelFixtures.cases(server, 20);
        server.deps.users().create("ada", Role.ADMIN, "correct horse battery");

        // The admin invites a moderator.
        login("ada", "correct horse battery");
        go("/users");
        new Select(driver.findElement(By.id("invite-role"))).selectByVisibleText("moderator");
        driver.findElement(By.id("invite")).click();
        String link = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("invite-link"))).getAttribute("value");
        driver.manage().deleteAllCookies();

        // The invitee chooses a password and logs in.
        driver.get(link);
        driver.findElement(By.name("username")).sendKeys("nia");
        driver.findElement(By.name("password")).sendKeys("nias long password");
        driver.findElement(By.name("confirm_password")).sendKeys("nias long password");
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/login"));
        login("nia", "nias long password");
        assertThat(driver.findElement(By.id("open-count")).getText()).isEqualTo("20");

        // The queue: blurred previews only, j/k move, Enter opens.
        go("/queue");
        assertThat(driver.findElements(By.cssSelector("tr.case-row"))).hasSize(20);
        assertThat(imagesLoaded()).allMatch(src -> src.endsWith("/preview"));
        press("j");
        press("j");
        press("k");
        WebElement selected = driver.findElement(By.cssSelector("tr.case-row.selected"));
        assertThat(selected.getAttribute("data-case")).isEqualTo(Long.toString(ids.get(1)));
        screenshot("queue.png");
        press("\n");
        wait.until(ExpectedConditions.urlContains("/cases/" + ids.get(1)));
        assertThat(driver.findElement(By.id("media")).getAttribute("src")).endsWith("/preview");
        // Tall enough to show the evidence and history below the decision forms.
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1500));
        screenshot("case.png");
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));

        // r reveals after the confirmation prompt; the audit log records it.
        assertThat(server.deps.audit().search("", "reveal", "", Long.MAX_VALUE, 10)).isEmpty();
        press("r");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> "true".equals(d.findElement(By.id("media")).getAttribute("data-revealed")));
        assertThat(driver.findElement(By.id("media")).getAttribute("src")).startsWith("blob:");
        List<AuditEvent> reveals = server.deps.audit().search("", "reveal", "", Long.MAX_VALUE, 10);
        assertThat(reveals).hasSize(1);
        assertThat(reveals.get(0).actor()).isEqualTo("nia");

        // c arms the confirmation (one key never decides), a second c confirms with the match's label
        // (pre-checked), and the next case opens.
        press("c");
        wait.until(d -> d.findElement(By.id("confirm-hint")).getText().contains("Press c again"));
        assertThat(server.deps.review().find(ids.get(1)).orElseThrow().decision()).isNull();
        press("c");
        awaitCasePage(ids.get(1));
        ReviewCase confirmed = server.deps.review().find(ids.get(1)).orElseThrow();
        assertThat(confirmed.decision()).isEqualTo("confirm");
        assertThat(server.deps.audit().search("", "confirm", "", Long.MAX_VALUE, 10).get(0).detail())
                .contains("labels=spam");

        // d focuses the reason; choose the allow-bank; Enter dismisses.
        long dismissed = currentCase();
        press("d");
        new Select(driver.findElement(By.id("dismiss-allow-bank"))).selectByVisibleText("known-good");
        WebElement reason = driver.findElement(By.id("dismiss-reason"));
        reason.sendKeys("harmless bridge photo\n");
        awaitCasePage(dismissed);
        assertThat(server.deps.review().find(dismissed).orElseThrow().decision()).isEqualTo("dismiss");
        assertThat(server.deps.banks().countActive(server.deps.banks().get("known-good").id())).isEqualTo(1);

        // The other 18 with c alone, never loading anything but previews.
        for (int i = 0; i < 18; i++) {
            long id = currentCase();
            assertThat(imagesLoaded()).allMatch(src -> src.endsWith("/preview"));
            press("cc");
            awaitCasePage(id);
        }
        wait.until(ExpectedConditions.urlContains("/queue"));
        assertThat(driver.findElement(By.id("queue-empty")).getText()).contains("queue is empty");

        // The dashboard shows the cleared queue, the decisions and nia's one reveal.
        go("/");
        assertThat(driver.findElement(By.id("open-count")).getText()).isEqualTo("0");
        assertThat(driver.findElement(By.id("oldest")).getText()).isEqualTo("oldest waiting –");
        assertThat(driver.findElement(By.id("dismiss-rates")).getText()).contains("known-bad 20 1 5 %");
        assertThat(driver.findElement(By.id("reveals")).getText()).contains("nia 1");
        // charts drawn on the server as SVG: one bar a day with its value as text, and the dismiss rate per bank
        assertThat(driver.findElements(By.cssSelector("#per-day-chart svg rect"))).hasSize(7);
        assertThat(driver.findElement(By.cssSelector("#per-day-chart svg")).getAttribute("aria-label"))
                .isEqualTo("Decisions per day (UTC)");
        assertThat(driver.findElements(By.cssSelector("#per-day-chart svg text")).stream().map(WebElement::getText))
                .contains("20");
        assertThat(driver.findElements(By.cssSelector("#dismiss-chart svg text")).stream().map(WebElement::getText))
                .contains("5 %");
        screenshot("dashboard.png");
        assertThat(server.deps.audit().search("", "reveal", "", Long.MAX_VALUE, 10)).hasSize(1);
        assertThat(server.deps.audit().verify().ok()).isTrue();
    }

    @Test
    void an_admin_sets_up_the_webhook_plugin_on_the_settings_page() throws Exception {
        server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
        login("ada", "correct horse battery");
        go("/settings");
        driver.findElement(By.id("plugin-settings-link")).click();
        WebElement webhook = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("plugin-webhook")));
        assertThat(webhook.getText()).contains("not configured");
        webhook.findElement(By.name("f.url")).sendKeys("https://hooks.example/sightline");
        webhook.findElement(By.name("f.secret")).sendKeys("a-long-shared-secret");
        webhook.findElement(By.cssSelector("button.save-plugin")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("saved")));
        webhook = driver.findElement(By.id("plugin-webhook"));
        assertThat(webhook.getText()).contains("active").contains("settings page").contains("ada");
        assertThat(driver.getPageSource()).doesNotContain("a-long-shared-secret");
        assertThat(server.deps.plugins().settings("webhook")).containsEntry("url", "https://hooks.example/sightline")
                .containsEntry("secret", "a-long-shared-secret");
        screenshot("plugin-settings.png");
    }

    /** Every page the panel serves to a browser, with path parameters filled from the fixtures. */
    List<String> everyPage(long caseId) {
        Set<String> notPages = Set.of("/audit.csv", "/media/{id}/preview", "/media/{id}/sheet/{frame}/preview",
                "/cases/next");
        List<String> pages = new ArrayList<>();
        for (var e : server.app.unsafe.internalRouter.allHttpHandlers()) {
            Access rule = PanelAccessTest.declared(e);
            if (e.endpoint.method != HandlerType.GET || rule == null || rule.kind() != Access.Kind.PANEL
                    || notPages.contains(e.endpoint.path)) continue;
            String path = e.endpoint.path.replace("{id}", Long.toString(caseId)).replace("{name}", "known-bad");
            assertThat(path).as("a page with an unfilled parameter: " + e.endpoint.path).doesNotContain("{");
            pages.add(path);
        }
        pages.add("/no-such-page");
        return pages;
    }

    /** How much wider than the window the page is (0: no sideways scrolling). */
    long overflow() {
        return (Long) ((JavascriptExecutor) driver).executeScript(
                "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth);");
    }

    long innerWidth() {
        return (Long) ((JavascriptExecutor) driver).executeScript("return window.innerWidth;");
    }

    @Test
    void every_page_fits_a_phone_and_a_wide_screen_without_sideways_scrolling() throws Exception {
        PanelFixtures.banks(server);
        long caseId = PanelFixtures.cases(server, 3).get(0);
        server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
        List<String> pages = everyPage(caseId);
        assertThat(pages).contains("/", "/queue", "/cases/" + caseId, "/banks/known-bad", "/settings", "/tokens");

        driver.manage().window().setSize(new org.openqa.selenium.Dimension(400, 860));
        go("/login");
        assertThat(innerWidth()).as("the phone-sized window").isLessThanOrEqualTo(420);
        assertThat(overflow()).as("/login at 400 px").isZero();
        login("ada", "correct horse battery");
        for (String page : pages) {
            go(page);
            assertThat(overflow()).as(page + " at 400 px").isZero();
        }
        go("/cases/" + caseId);
        screenshot("case-phone.png");

        // the menu folds away on a phone and opens with one touch; "Log out" is then on screen
        WebElement logout = driver.findElement(By.cssSelector("header.top .who button"));
        assertThat(logout.isDisplayed()).isFalse();
        driver.findElement(By.cssSelector("label.menu-button")).click();
        wait.until(d -> logout.isDisplayed());
        assertThat(logout.getRect().getX() + logout.getRect().getWidth()).isLessThanOrEqualTo((int) innerWidth());
        assertThat(logout.getRect().getHeight()).as("a thumb-sized target").isGreaterThanOrEqualTo(44);

        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        for (String page : pages) {
            go(page);
            assertThat(overflow()).as(page + " at 1280 px").isZero();
        }
    }

    @Test
    void the_skip_link_is_the_first_stop_and_an_unknown_address_gets_the_panels_own_page() {
        server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
        login("ada", "correct horse battery");
        go("/queue");
        driver.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.TAB);
        WebElement first = driver.switchTo().activeElement();
        assertThat(first.getText()).isEqualTo("Skip to content");
        first.sendKeys(org.openqa.selenium.Keys.ENTER);
        wait.until(d -> "main".equals(d.switchTo().activeElement().getAttribute("id")));

        go("/no-such-page");
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Page not found");
        assertThat(driver.findElements(By.cssSelector("header.top nav a"))).isNotEmpty();
        assertThat(driver.getPageSource()).doesNotContain("Endpoint GET");
    }

    @SuppressWarnings("unchecked")
    List<String> imagesLoaded() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.images).map(function (i) { return i.currentSrc || i.src; });");
    }
}
