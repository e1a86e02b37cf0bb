package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.Browser;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The agent's traffic inspector in a real browser: a webhook sent through the gateway appears in
 * the list without a reload (pushed over the inspector's WebSocket), its detail page shows the JSON
 * body, a replay with an edited header reaches the upstream and is shown next to the original
 * response, and an open page follows a restarted agent without a reload.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InspectorIT {

    private static final String WEBHOOK = "{\"event\":\"push\",\"repository\":{\"name\":\"porthole\"},\"commits\":3}";

    private static PortholeSystem system;
    private static PortholeSystem.Agent agent;
    private static Browser browser;
    private static String inspector;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("InspectorIT").startGateway().startUpstream();
        int inspectPort = FreePorts.loopback();
        inspector = "http://127.0.0.1:" + inspectPort;
        agent = system.startAgent(
                "agent", List.of("--inspect-address", "127.0.0.1:" + inspectPort, "--inspect-body-cap", "16K"));
        agent.process().awaitLog(line -> line.contains("inspector at " + inspector), PortholeSystem.START_TIMEOUT);
        browser = Browser.start("InspectorIT");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        system.close();
    }

    @Test
    @Order(3)
    void aSecondAgentOnTheSameInspectorPortWarnsAndStillServesItsTunnel() {
        String address = inspector.substring("http://".length());
        PortholeSystem.Agent second = system.startAgent("agent-second", List.of("--inspect-address", address));
        second.process()
                .awaitLog(
                        line -> line.contains("inspector not started: " + address + " is in use")
                                && line.contains("--no-inspect"),
                        PortholeSystem.START_TIMEOUT);
        assertThat(Http.get(system.pathUrl(second.name(), "/hello")).body()).isEqualTo("hello\n");
        second.process().stop();
    }

    @Test
    @Order(1)
    void aWebhookAppearsLiveAndItsReplayWithAnEditedHeaderReachesTheUpstream() {
        ChromeDriver page = browser.driver();
        // The list is re-rendered every second, so elements are looked up afresh inside each wait.
        WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        page.get(inspector + "/");
        assertThat(page.findElement(By.id("rows")).getText()).contains("No requests yet");
        browser.screenshot("01-list-empty");

        // A webhook through the gateway's public URL, while the page is open: it must appear without a reload.
        HttpResponse<String> delivered = Http.send(
                HttpRequest.newBuilder(URI.create(system.pathUrl(agent.name(), "/headers?delivery=1")))
                        .header("Content-Type", "application/json")
                        .header("X-Hub-Event", "push")
                        .POST(HttpRequest.BodyPublishers.ofString(WEBHOOK))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(delivered.statusCode()).isEqualTo(200);
        Http.get(system.pathUrl(agent.name(), "/missing"));
        wait.until(d ->
                d.findElement(By.cssSelector("#rows tr:first-child")).getText().matches("(?s).*GET /missing 404.*"));
        wait.until(d -> d.findElement(By.cssSelector("#rows tr:nth-child(2)"))
                .getText()
                .matches("(?s).*POST /headers\\?delivery=1 200.*"));
        browser.screenshot("02-list-live");

        // Filtering by status class leaves only the 404.
        new Select(page.findElement(By.id("status"))).selectByVisibleText("4xx");
        wait.until(d -> !d.findElement(By.id("rows")).getText().contains("/headers"));
        assertThat(page.findElement(By.id("rows")).getText()).contains("/missing");
        browser.screenshot("03-list-filtered-4xx");
        new Select(page.findElement(By.id("status"))).selectByVisibleText("any");
        // Filtering by path: typing narrows the list without pressing anything.
        page.findElement(By.id("path")).sendKeys("delivery");
        wait.until(d -> !d.findElement(By.id("rows")).getText().contains("/missing"));
        assertThat(page.findElement(By.id("rows")).getText()).contains("/headers?delivery=1");
        browser.screenshot("03b-list-filtered-path");
        wait.until(d -> {
            d.findElement(By.linkText("/headers?delivery=1")).click();
            return true;
        });

        // The detail page: headers, the pretty-printed JSON body, timings.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("replay-heading")));
        String detail = page.findElement(By.tagName("main")).getText();
        assertThat(detail)
                .contains("X-Hub-Event")
                .contains("\"event\" : \"push\"")
                .contains("Time to response head")
                .contains("200 OK");
        browser.screenshot("04-detail");

        // Replay with an edited header; the upstream's /headers answers with what it received.
        WebElement headers = page.findElement(By.id("replay-headers"));
        headers.sendKeys("\nX-Replay-Check: edited-in-browser");
        page.findElement(By.cssSelector("form[hx-post] button[type=submit]")).click();
        WebElement result = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#replay-result [aria-label='Replayed response']")));
        assertThat(result.getText())
                .contains("\"x-replay-check\" : \"edited-in-browser\"")
                .contains("200 OK");
        assertThat(page.findElement(By.cssSelector("#replay-result [aria-label='Original response']"))
                        .getText())
                .doesNotContain("x-replay-check")
                .contains("\"x-hub-event\" : \"push\"");
        page.executeScript("document.getElementById('replay-result').scrollIntoView()");
        browser.screenshot("05-replay-side-by-side");

        // The replay is in the list, marked as one, and in the JSON API for scripts.
        page.get(inspector + "/");
        wait.until(d ->
                d.findElement(By.cssSelector("#rows tr:first-child")).getText().contains("replay of #1"));
        browser.screenshot("06-list-with-replay");

        // The tunnel's public URL is on the list page.
        assertThat(page.findElement(By.id("tunnels")).getText()).contains(agent.url());
        // Keyboard only: Tab to the newest row's link (past the heading link, the tunnel's URL, the
        // two filters and the two buttons) and press Enter; a request arriving meanwhile must not steal the focus.
        for (int i = 0; i < 7; i++) {
            page.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertThat(page.switchTo().activeElement().getAttribute("id")).isEqualTo("open-3");
        Http.get(system.pathUrl(agent.name(), "/hello?while-focused"));
        wait.until(d ->
                d.findElement(By.cssSelector("#rows tr:first-child")).getText().contains("/hello?while-focused"));
        assertThat(page.switchTo().activeElement().getAttribute("id"))
                .as("focus after a row arrived")
                .isEqualTo("open-3");
        page.switchTo().activeElement().sendKeys(Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("comparison")));
        assertThat(page.findElement(By.id("comparison")).getText()).contains("Replay #3 of #1");
        String api = Http.get(inspector + "/api/requests?path=/headers").body();
        assertThat(api).contains("\"replayOf\" : 1").contains("\"uri\" : \"/headers?delivery=1\"");

        // "Clear the list" empties it, and the next request appears in the cleared list without a reload.
        page.get(inspector + "/");
        page.findElement(By.id("clear")).click();
        wait.until(d -> d.findElement(By.id("rows")).getText().contains("No requests yet"));
        wait.until(d -> d.findElement(By.id("live-status")).getText().startsWith("Live"));
        Http.get(system.pathUrl(agent.name(), "/after-clear"));
        wait.until(d ->
                d.findElement(By.cssSelector("#rows tr:first-child")).getText().contains("/after-clear"));
        assertThat(page.findElements(By.cssSelector("#rows tr"))).hasSize(1);
        browser.screenshot("06b-cleared");
    }

    @Test
    @Order(2)
    void aLargeBinaryDownloadArrivesIntactAndIsShownAsAHexHeadCutAtTheCap() throws Exception {
        long size = 300_000;
        String expected =
                Http.get(system.upstreamUrl("/bytes/" + size + "/sha256")).body();
        HttpResponse<byte[]> download = Http.send(
                HttpRequest.newBuilder(URI.create(system.pathUrl(agent.name(), "/bytes/" + size)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.body()).hasSize((int) size);
        assertThat(java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(download.body())))
                .isEqualTo(expected);

        ChromeDriver page = browser.driver();
        WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        page.get(inspector + "/?path=/bytes/");
        wait.until(d -> {
            d.findElement(By.linkText("/bytes/" + size)).click();
            return true;
        });
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("replay-heading")));
        String detail = page.findElement(By.tagName("main")).getText();
        assertThat(detail)
                .contains(
                        "application/octet-stream, 300000 bytes; only the first 16384 bytes were captured (the cap is 16384 bytes)")
                .contains("Binary: first 256 bytes as hex");
        page.executeScript("document.getElementById('response-heading').scrollIntoView()");
        browser.screenshot("07-binary-cut-at-cap");
    }

    @Test
    @Order(4)
    void anOpenPageReconnectsToARestartedAgentAndShowsItsRequests() {
        ChromeDriver page = browser.driver();
        WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
        page.get(inspector + "/");
        wait.until(d -> d.findElement(By.id("live-status")).getText().startsWith("Live"));
        agent.process().stop();
        wait.until(d -> d.findElement(By.id("live-status")).getText().contains("Not connected"));
        browser.screenshot("08-agent-stopped");

        String address = inspector.substring("http://".length());
        agent = system.startAgent("agent-restarted", List.of("--inspect-address", address));
        agent.process().awaitLog(line -> line.contains("inspector at " + inspector), PortholeSystem.START_TIMEOUT);
        // The new agent's empty list replaces the old one once the page is back.
        wait.until(d -> d.findElement(By.id("live-status")).getText().startsWith("Live")
                && d.findElement(By.id("rows")).getText().contains("No requests yet"));
        assertThat(Http.get(system.pathUrl(agent.name(), "/after-restart")).statusCode())
                .isEqualTo(404);
        wait.until(d -> d.findElement(By.cssSelector("#rows tr:first-child"))
                .getText()
                .matches("(?s).*GET /after-restart 404.*"));
        browser.screenshot("09-after-restart");
    }
}
