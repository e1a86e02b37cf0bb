package dev.porthole.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium driven through its chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver} packages; {@code .ci/run} installs them). Nothing is downloaded.
 */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path screenshots;

    private Browser(ChromeDriver driver, Path screenshots) {
        this.driver = driver;
        this.screenshots = screenshots;
    }

    /** Starts a headless browser; screenshots go to {@code target/screenshots/<testName>/}. */
    public static Browser start(String testName) {
        return start(testName, List.of());
    }

    /** Starts a headless browser with more Chromium arguments (such as {@code --host-resolver-rules}). */
    public static Browser start(String testName, List<String> arguments) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install -y chromium chromium-driver (.ci/run does this)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,1100",
                "--no-first-run",
                "--disable-extensions");
        options.addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Path dir = Path.of("target", "screenshots", testName);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Browser(driver, dir);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Saves what the browser shows now as {@code <name>.png} and returns its path. */
    public Path screenshot(String name) {
        Path target = screenshots.resolve(name + ".png");
        try {
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * Shows the page as it is now at 1280x900 and on a 390x844 phone, saves a screenshot of each
     * ({@code <name>-1280.png}, {@code <name>-390.png}) and checks that neither scrolls sideways.
     */
    public void fitsDesktopAndPhone(String name) {
        for (int[] size : new int[][] {{1280, 900}, {390, 844}}) {
            driver.executeCdpCommand(
                    "Emulation.setDeviceMetricsOverride",
                    Map.of("width", size[0], "height", size[1], "deviceScaleFactor", 1, "mobile", size[0] < 600));
            try {
                Number scrollWidth = (Number) driver.executeScript("return document.documentElement.scrollWidth;");
                Number innerWidth = (Number) driver.executeScript("return window.innerWidth;");
                screenshot(name + "-" + size[0]);
                assertThat(scrollWidth.intValue())
                        .as("%s at %d px wide: no horizontal scrolling", name, size[0])
                        .isLessThanOrEqualTo(innerWidth.intValue());
            } finally {
                driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            }
        }
    }

    /**
     * The id of the focused element. A live table may be replaced while it is read, so the element
     * found may be gone by the time its id is asked: look again (what is focused is asked anew).
     */
    public String focusedId() {
        for (int attempt = 1; ; attempt++) {
            try {
                return driver.switchTo().activeElement().getAttribute("id");
            } catch (StaleElementReferenceException replaced) {
                if (attempt == 10) {
                    throw replaced;
                }
            }
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
