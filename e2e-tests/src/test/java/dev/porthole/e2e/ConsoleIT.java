package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.AuthService;
import dev.porthole.e2e.support.Browser;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.NotificationService;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real browser against real processes (Redis, auth-service, a gateway,
 * notification-service, agents): log in, create a client and read its secret from the page, run an
 * agent with it and watch its session appear and its traffic move on the open sessions page
 * (pushed over the console's WebSocket), kick another session with the keyboard while the table
 * updates, see an event appear on the open events page, rotate the signing secret, send a test notification, read
 * the events, disable the client and see the tunnel go and the agent exit, log out. Every page is shown at 1280x900
 * and on a 390x844 phone (screenshots of both) and must not scroll sideways; every destructive action goes through
 * its confirmation page.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final String CLIENT = "console-made";
    private static final Duration EXIT = Duration.ofSeconds(30);

    private static WebhookReceiver slack;
    private static ServiceProcess notifications;
    private static PortholeSystem system;
    private static AuthService auth;
    private static Browser browser;
    private static WebDriverWait wait;
    private static String secret;
    private static PortholeSystem.Agent agent;

    @BeforeAll
    static void start() {
        slack = WebhookReceiver.answering(WebhookReceiver.Reply.text(200, "ok"));
        system = new PortholeSystem("ConsoleIT");
        int notifyPort = FreePorts.loopback();
        notifications = NotificationService.start(
                system.logDir(),
                notifyPort,
                slack.url("/services/T000/B000/console"),
                Map.of(
                        "QUARKUS_REDIS_HOSTS",
                        system.redis().url(),
                        "PORTHOLE_ADMIN_KEY",
                        AuthService.ADMIN_KEY,
                        "PORTHOLE_NOTIFY_RATE_LIMITS_SLACK",
                        "100/1s"));
        auth = system.startAuthService(Map.of(
                "PORTHOLE_CONSOLE_NOTIFICATION_URL",
                "http://127.0.0.1:" + notifyPort,
                "PORTHOLE_CONSOLE_REFRESH_INTERVAL",
                "1s"));
        system.startGateway().startUpstream();
        browser = Browser.start("ConsoleIT");
        wait = new WebDriverWait(browser.driver(), Duration.ofSeconds(40));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (system != null) {
            system.close();
        }
        if (notifications != null) {
            notifications.close();
        }
        if (slack != null) {
            slack.close();
        }
    }

    private static ChromeDriver page() {
        return browser.driver();
    }

    private static String console(String path) {
        return auth.url() + "/console" + path;
    }

    /** Waits, after a click that loads a page, until an element shows text that passes the check; returns the text. */
    private static String awaitText(By by, Predicate<String> check) {
        return wait.until(d -> d.findElements(by).stream()
                .map(WebElement::getText)
                .filter(check)
                .findFirst()
                .orElse(null));
    }

    @Test
    @Order(1)
    void loginNeedsTheAdminKey() {
        page().get(console("/clients"));
        assertThat(page().getCurrentUrl())
                .as("no session: sent to the login page")
                .endsWith("/console/login");
        assertThat(page().findElement(By.id("where-heading")).getText()).isEqualTo("Where is the admin key?");
        assertThat(page().findElement(By.tagName("dl")).getText())
                .contains("run/secrets.env")
                .contains("/porthole-secrets/auth-service.properties")
                .contains("porthole-secrets");
        browser.fitsDesktopAndPhone("01-login");
        page().findElement(By.id("key")).sendKeys("not-the-admin-key-at-all-0123456789");
        page().findElement(By.cssSelector("button[type=submit]")).click();
        awaitText(By.cssSelector("[role=alert]"), text -> text.contains("That is not the admin key"));
        browser.screenshot("02-login-wrong-key");
        // With the keyboard alone: the key field has the focus, Enter submits.
        assertThat(page().switchTo().activeElement().getAttribute("id")).isEqualTo("key");
        page().switchTo().activeElement().sendKeys(AuthService.ADMIN_KEY, Keys.ENTER);
        wait.until(d -> d.getCurrentUrl().endsWith("/console/clients"));
        assertThat(page().findElement(By.tagName("h2")).getText()).isEqualTo("Clients");
    }

    @Test
    @Order(2)
    void aClientCreatedInTheConsoleShowsItsSecretOnce() {
        page().get(console("/clients"));
        page().findElement(By.id("id")).sendKeys(CLIENT);
        page().findElement(By.id("description")).sendKeys("made in the console <for ConsoleIT>");
        page().findElement(By.id("create")).click();
        secret = awaitText(By.id("client-secret"), text -> !text.isBlank()).trim();
        assertThat(secret).hasSizeGreaterThan(30);
        assertThat(page().findElement(By.id("client-id")).getText()).isEqualTo(CLIENT);
        browser.fitsDesktopAndPhone("03-client-created");

        page().get(console("/clients"));
        assertThat(page().findElement(By.id("client-" + CLIENT)).getText())
                .contains("made in the console <for ConsoleIT>")
                .contains("enabled");
        assertThat(page().getPageSource()).as("the secret is never shown again").doesNotContain(secret);
        browser.fitsDesktopAndPhone("04-clients");
        // Delete asks first; Cancel leaves the client alone.
        page().findElement(By.id("delete-" + CLIENT)).click();
        awaitText(By.tagName("h2"), text -> text.equals("Delete client " + CLIENT + "?"));
        browser.fitsDesktopAndPhone("04b-confirm-delete");
        page().findElement(By.id("cancel")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/console/clients"));
        assertThat(page().findElement(By.id("client-" + CLIENT)).getText()).contains("enabled");
    }

    @Test
    @Order(3)
    void theAgentsTunnelAppearsOnTheSessionsPageWithItsTraffic() {
        // The page is open before the agent connects: its session must appear without a reload.
        page().get(console("/sessions"));
        wait.until(d -> d.findElement(By.id("live-status")).getText().startsWith("Live"));
        assertThat(page().findElement(By.id("session-rows")).getText()).contains("No live sessions");
        page().executeScript("window.loadedOnce = true;");
        agent = system.startAgent("console-agent", List.of("--credentials", CLIENT + ":" + secret));
        wait.until(d -> d.findElement(By.id("session-rows")).getText().contains(CLIENT));
        assertThat(page().executeScript("return window.loadedOnce === true;"))
                .as("no reload")
                .isEqualTo(true);
        assertThat(page().findElement(By.id("session-rows")).getText())
                .contains(agent.name())
                .contains(agent.url());
        // Traffic through the tunnel: the byte counters, the request count and the rates follow without a reload.
        wait.until(d -> {
            for (int i = 0; i < 5; i++) {
                Http.get(system.pathUrl(agent.name(), "/hello"));
            }
            String rows = d.findElement(By.id("session-rows")).getText();
            // bytes per second under the byte counts, then the request count and requests per second
            return rows.matches("(?s).*\\d+(\\.\\d)? (B|KiB)/s.*")
                    && rows.matches("(?s).*\\b[1-9]\\d*\\s+\\d+\\.\\d/s.*");
        });
        assertThat(page().findElement(By.id("session-rows")).getText())
                .as("a rate is shown at once, never an ellipsis")
                .doesNotContain("…/s")
                .doesNotContain("\n…");
        // A long id is shortened, whole on hover, and copied by its button.
        List<String> agentIds =
                wait.until(d -> d.findElements(By.cssSelector("#session-rows td[data-label=Agent] > .id code")).stream()
                        .map(code -> code.getText() + " " + code.getAttribute("title"))
                        .toList());
        assertThat(agentIds)
                .as("agent ids (agent-<uuid>) shortened, whole in the title")
                .allSatisfy(id -> assertThat(id).matches("agent-\\S+… agent-[0-9a-f-]{36}"));
        assertThat(page().findElement(By.cssSelector("#session-rows .id button.copy"))
                        .isDisplayed())
                .isTrue();
        browser.fitsDesktopAndPhone("05-sessions-live");
    }

    @Test
    @Order(4)
    void aSessionIsKickedWithTheKeyboardWhileTheTableRefreshes() {
        PortholeSystem.Agent second =
                system.startAgent("console-agent-kicked", List.of("--credentials", CLIENT + ":" + secret));
        page().get(console("/sessions"));
        wait.until(d -> d.findElement(By.id("session-rows")).getText().contains(second.name()));
        // The rows are replaced while they are read: look again when one went stale.
        String kick = wait.until(d -> d.findElements(By.cssSelector("#session-rows tr")).stream()
                .filter(row -> row.getText().contains(second.name()))
                .findFirst()
                .map(row ->
                        row.findElement(By.cssSelector("button[id^='kick-']")).getAttribute("id"))
                .orElse(null));
        for (int i = 0; i < 100 && !kick.equals(browser.focusedId()); i++) {
            new Actions(page()).sendKeys(Keys.TAB).perform();
        }
        assertThat(browser.focusedId()).as("reached with Tab").isEqualTo(kick);
        // The table is replaced when it changes (the ages, every second here); the focused button must stay focused.
        page().executeScript("window.swaps = 0; document.addEventListener('porthole:live', () => window.swaps++);");
        wait.until(d -> ((Number) page().executeScript("return window.swaps;")).intValue() >= 2);
        browser.screenshot("05b-sessions-kick-focused");
        // Kick asks first: Enter opens the confirmation (a GET form: no JavaScript needed), whose Kick button has the
        // focus; Enter again kicks.
        assertThat(browser.focusedId()).as("still focused after the swaps").isEqualTo(kick);
        new Actions(page()).sendKeys(Keys.ENTER).perform();
        wait.until(d -> d.getCurrentUrl().contains("/kick"));
        awaitText(
                By.tagName("h2"),
                text -> text.startsWith("Kick session") && text.endsWith("of client " + CLIENT + "?"));
        assertThat(second.process().isAlive()).as("asking kicks nobody").isTrue();
        browser.fitsDesktopAndPhone("05c-confirm-kick");
        assertThat(page().switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-kick");
        new Actions(page()).sendKeys(Keys.ENTER).perform();
        wait.until(d -> d.getCurrentUrl().contains("/console/sessions?kicked="));
        assertThat(page().findElement(By.cssSelector("[role=status]")).getText())
                .contains("is being closed by its gateway");
        assertThat(second.process().awaitExit(EXIT))
                .as("a kicked agent exits: session ended by the gateway")
                .isEqualTo(7);
        wait.until(d -> !d.findElement(By.id("session-rows")).getText().contains(second.name()));
        assertThat(page().findElement(By.id("session-rows")).getText()).contains(agent.name());
    }

    @Test
    @Order(5)
    void signingSecretsRotate() {
        page().get(console("/signing-secrets"));
        String before = page().findElement(By.id("current-kid")).getText();
        assertThat(page().findElement(By.id("previous-kid")).getText()).isEqualTo("none");
        page().findElement(By.id("rotate")).click();
        awaitText(By.cssSelector("[role=status]"), text -> text.startsWith("Rotated"));
        assertThat(page().findElement(By.id("previous-kid")).getText()).isEqualTo(before);
        assertThat(page().findElement(By.id("current-kid")).getText()).isNotEqualTo(before);
        browser.fitsDesktopAndPhone("06-signing-secrets");
        // Retire asks first; the agents still use JWTs signed with the previous secret, so cancel.
        page().findElement(By.id("retire")).click();
        awaitText(By.tagName("h2"), text -> text.equals("Retire the previous signing secret " + before + "?"));
        browser.fitsDesktopAndPhone("06b-confirm-retire");
        page().findElement(By.id("cancel")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/console/signing-secrets"));
        assertThat(page().findElement(By.id("previous-kid")).getText())
                .as("cancel retires nothing")
                .isEqualTo(before);
    }

    @Test
    @Order(6)
    void aTestNotificationReachesTheChannel() {
        page().get(console("/notifications"));
        assertThat(page().findElement(By.id("channel-default")).getText()).contains("slack");
        page().findElement(By.id("test-default")).click();
        awaitText(By.id("test-outcome"), text -> text.contains("delivered"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.bodies().isEmpty());
        browser.fitsDesktopAndPhone("07-notifications");
    }

    @Test
    @Order(7)
    void recentEventsAreListedLiveAndFiltered() {
        page().get(console("/events"));
        wait.until(d -> d.findElement(By.id("event-rows")).getText().contains("tunnel.opened"));
        wait.until(d -> d.findElement(By.id("live-status")).getText().startsWith("Live"));
        page().executeScript("window.loadedOnce = true;");
        // An event written while the page is open appears on top without a reload.
        PortholeSystem.Agent watched =
                system.startAgent("console-agent-watched", List.of("--credentials", CLIENT + ":" + secret));
        wait.until(d -> d.findElement(By.id("event-rows")).getText().contains(watched.name()));
        assertThat(page().executeScript("return window.loadedOnce === true;"))
                .as("no reload")
                .isEqualTo(true);
        // A timeline entry: local time, type, client, one sentence; the JSON behind a click.
        WebElement newest = page().findElement(By.cssSelector("#event-rows li.event"));
        assertThat(newest.findElement(By.tagName("time")).getAttribute("data-local"))
                .as("shown in local time")
                .isNotNull();
        assertThat(newest.findElement(By.cssSelector(".sentence")).getText()).endsWith(".");
        WebElement json = newest.findElement(By.tagName("pre"));
        assertThat(json.isDisplayed()).isFalse();
        newest.findElement(By.tagName("summary")).click();
        assertThat(json.isDisplayed()).isTrue();
        assertThat(json.getText()).startsWith("{").contains("\"sessionId\"");
        browser.fitsDesktopAndPhone("08a-events-live");
        watched.process().stop();
        new Select(page().findElement(By.id("type"))).selectByVisibleText("client.created");
        page().findElement(By.id("filter")).click();
        wait.until(d -> d.getCurrentUrl().contains("type=client.created"));
        List<String> rows = page().findElements(By.cssSelector("li.event")).stream()
                .map(r -> r.getText())
                .toList();
        assertThat(rows).isNotEmpty().allSatisfy(row -> assertThat(row).contains("client.created"));
        assertThat(rows.getFirst()).contains(CLIENT).contains("Client " + CLIENT + " created by admin.");
        // By client: every kind of event about this one client, and no other.
        new Select(page().findElement(By.id("type"))).selectByVisibleText("any");
        page().findElement(By.id("client")).sendKeys(CLIENT);
        page().findElement(By.id("filter")).click();
        wait.until(d -> d.getCurrentUrl().contains("client=" + CLIENT));
        List<WebElement> about = page().findElements(By.cssSelector("li.event"));
        assertThat(about)
                .hasSizeGreaterThan(2)
                .allSatisfy(row -> assertThat(
                                row.findElement(By.className("client")).getText())
                        .isEqualTo(CLIENT));
        assertThat(about.stream()
                        .map(row -> row.findElement(By.className("type")).getText())
                        .distinct()
                        .count())
                .isGreaterThan(1);
        browser.fitsDesktopAndPhone("08-events-filtered");
    }

    @Test
    @Order(8)
    void disablingTheClientClosesItsTunnelAndTheAgentExits() {
        page().get(console("/clients"));
        page().findElement(By.id("disable-" + CLIENT)).click();
        awaitText(By.tagName("h2"), text -> text.equals("Disable client " + CLIENT + "?"));
        browser.fitsDesktopAndPhone("09a-confirm-disable");
        page().findElement(By.id("confirm-disable")).click();
        awaitText(By.cssSelector("[role=status]"), text -> text.contains("Client " + CLIENT + " is disabled"));
        assertThat(page().findElement(By.id("client-" + CLIENT)).getText()).contains("disabled");
        browser.screenshot("09-client-disabled");
        assertThat(agent.process().awaitExit(EXIT))
                .as("the agent exits: credentials refused")
                .isEqualTo(3);

        page().get(console("/sessions"));
        wait.until(d -> !d.findElement(By.id("session-rows")).getText().contains(CLIENT));
        assertThat(page().findElement(By.id("session-rows")).getText()).contains("No live sessions");
        assertThat(Http.get(system.pathUrl(agent.name(), "/hello")).statusCode())
                .isNotEqualTo(200);
        browser.screenshot("10-sessions-after-disable");
        // The visitor's page for the tunnel that went: branded, and it names no internal address.
        page().get(system.pathUrl(agent.name(), "/hello"));
        assertThat(page().findElement(By.className("brand")).getText()).isEqualTo("Porthole");
        assertThat(page().findElement(By.tagName("body")).getText())
                .contains("If you are visiting")
                .contains("If this is your tunnel")
                .doesNotContain("127.0.0.1");
        browser.fitsDesktopAndPhone("12-visitor-error");
    }

    @Test
    @Order(9)
    void logoutEndsTheSession() {
        page().get(console("/clients"));
        page().findElement(By.xpath("//button[text()='Log out']")).click();
        awaitText(By.cssSelector("[role=status]"), text -> text.equals("You are logged out."));
        page().get(console("/clients"));
        assertThat(page().getCurrentUrl()).endsWith("/console/login");
        browser.screenshot("11-logged-out");
    }
}
