package io.edgedistill.demo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console's page in headless Chromium, driven through Selenium with the system's chromium and chromedriver (Debian's
 * {@code chromium} and {@code chromium-driver}; {@code CHROME_BIN} and {@code CHROMEDRIVER} override the paths).
 * Selenium Manager is never asked: the driver's path is given. {@code main(url, png)} saves a screenshot of a running
 * console (how {@code docs/dashboard.png} is made, against {@code ./edgedistill demo --keep-running}).
 */
final class DashboardPage implements AutoCloseable {

    private final ChromeDriver driver;

    private DashboardPage(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Where Chromium and its driver are, if both are installed. */
    record Browser(Path chromium, Path driver) {
        static Optional<Browser> find() {
            Optional<Path> chromium = first(System.getenv("CHROME_BIN"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                    "/usr/bin/google-chrome");
            Optional<Path> driver = first(System.getenv("CHROMEDRIVER"), "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
            return chromium.isPresent() && driver.isPresent() ? Optional.of(new Browser(chromium.get(), driver.get())) : Optional.empty();
        }

        private static Optional<Path> first(String... candidates) {
            for (String c : candidates) {
                if (c != null && !c.isBlank() && Files.isExecutable(Path.of(c))) {
                    return Optional.of(Path.of(c));
                }
            }
            return Optional.empty();
        }
    }

    static DashboardPage open(Browser browser, String url) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.chromium().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1500,2600", "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(browser.driver().toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.get(url);
        return new DashboardPage(driver);
    }

    /** A value from the page's JavaScript (e.g. a chart's data). */
    Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    String text(String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }

    String attribute(String css, String name) {
        return driver.findElement(By.cssSelector(css)).getDomAttribute(name);
    }

    void screenshot(Path png) throws Exception {
        Files.createDirectories(png.toAbsolutePath().getParent());
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), png, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }

    public static void main(String[] args) throws Exception {
        Browser browser = Browser.find().orElseThrow(() -> new IllegalStateException("no chromium and chromedriver found"));
        try (DashboardPage page = open(browser, args.length > 0 ? args[0] : "http://localhost:8070/")) {
            // a screenshot for the docs: once the first view has arrived and every chart has something to draw
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(page.script(
                    "const c = window.consoleCharts; return document.getElementById('live-text').textContent === 'live' && !!c"
                            + " && ['rounds-chart', 'attacks-chart', 'set-chart'].every(id => c[id] && c[id].data.datasets.length > 0)")));
            page.screenshot(Path.of(args.length > 1 ? args[1] : "docs/dashboard.png"));
        }
    }
}
