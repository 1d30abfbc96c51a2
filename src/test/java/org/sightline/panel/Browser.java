package org.sightline.panel;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Headless Chromium for the panel's browser tests, as {@link PanelBrowserTest} starts it. */
final class Browser implements AutoCloseable {
    final WebDriver driver;
    final WebDriverWait wait;
    private final String base;

    /** Skips the test where Chromium is missing and CI is not set; in CI it must run. */
    Browser(String base, Path profile) {
        boolean present = Files.isExecutable(PanelBrowserTest.CHROMIUM) && Files.isExecutable(PanelBrowserTest.CHROMEDRIVER);
        assumeTrue(present || System.getenv("CI") != null, "chromium and chromium-driver are not installed");
        this.base = base;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(PanelBrowserTest.CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(PanelBrowserTest.CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.ignoring(StaleElementReferenceException.class);
    }

    void go(String path) {
        driver.get(base + path);
    }

    void login(String name, String password) {
        go("/login");
        driver.findElement(By.id("username")).sendKeys(name);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("header.top")));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
