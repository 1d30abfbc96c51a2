package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.audit.AuditEvent;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.hashing.TestClips;
import org.sightline.hashing.VideoDecoder;
import org.sightline.hashing.VideoHasher;
import org.sightline.hashing.VideoSettings;
import org.sightline.matching.Vpdq;
import org.sightline.review.CaseDao;
import org.sightline.review.CaseRecord;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A video's case in headless Chromium: the contact sheet shows the stored blurred frames, and the one reveal
 * (r, after the prompt) turns the preview and every sheet frame to colour, each frame's reveal audited.
 */
class VideoContactSheetBrowserTest {
    @TempDir
    Path data;
    @TempDir
    Path profile;
    TestServer server;
    Browser browser;
    WebDriver driver;
    WebDriverWait wait;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("classifier.local.enabled", false));
        browser = new Browser(server.base, profile);
        driver = browser.driver;
        wait = browser.wait;
    }

    @AfterEach
    void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    @Test
    void revealingAVideoCaseShowsItsContactSheetInColourAndLogsEachFrame() throws Exception {
        byte[] clip = TestClips.ffmpeg().h264(320, 240, 30, 4);
        var signals = new VideoHasher(new VideoDecoder(VideoSettings.defaults(50_000_000L), 1, 1)).hash(clip);
        server.deps.banks().create(new BankService.BankSpec("known-videos", "local", "review", "enforce",
                List.of("other"), null, null, null));
        server.deps.banks().addEntries("known-videos", List.of(new BankService.NewEntry("vpdq",
                Vpdq.canonical(signals.vpdq()), List.of("other"), "clip", null, null)), "test");
        TestServer.Response r = server.postJson("/api/v1/media", server.token("scanner", Scope.SCAN),
                "{\"image_base64\":\"" + Base64.getEncoder().encodeToString(clip) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode doc = r.json();
        long mediaId = doc.get("id").asLong();
        long caseId = server.deps.database().jdbi().onDemand(CaseDao.class).forMedia(mediaId)
                .map(CaseRecord::id).orElseThrow();
        server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");

        driver.get(server.base + "/login");
        driver.findElement(By.id("username")).sendKeys("mia");
        driver.findElement(By.id("password")).sendKeys("correct horse battery");
        driver.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("header.top")));
        driver.get(server.base + "/cases/" + caseId);

        List<WebElement> frames = driver.findElements(By.cssSelector("#contact-sheet img.sheet-frame"));
        assertThat(frames).hasSize(4);
        assertThat(frames).allSatisfy(f -> assertThat(f.getAttribute("src")).contains("/sheet/").endsWith("/preview"));
        // the stored previews loaded (the browser never sees the origin)
        wait.until(d -> d.findElements(By.cssSelector("#contact-sheet img.sheet-frame")).stream()
                .allMatch(f -> Long.parseLong(f.getAttribute("naturalWidth")) > 0));
        assertThat(driver.findElements(By.cssSelector("#contact-sheet figure.matched"))).hasSize(4);

        driver.findElement(By.tagName("body")).sendKeys("r");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> d.findElements(By.cssSelector("#contact-sheet img.sheet-frame")).stream()
                .allMatch(f -> "true".equals(f.getAttribute("data-revealed"))));
        assertThat(driver.findElements(By.cssSelector("#contact-sheet img.sheet-frame")))
                .allSatisfy(f -> assertThat(f.getAttribute("src")).startsWith("blob:"));
        List<AuditEvent> reveals = server.deps.audit().search("mia", "reveal", "media:" + mediaId, Long.MAX_VALUE, 20);
        assertThat(reveals).hasSize(5); // the preview and the 4 frames
        assertThat(reveals).extracting(AuditEvent::detail).filteredOn(d -> d.contains("frame=")).hasSize(4);
    }
}
