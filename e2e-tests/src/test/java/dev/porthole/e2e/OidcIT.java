package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.Browser;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.TestOidcIssuer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The OIDC login at the edge with real processes: redis-server, the packaged gateway, agents
 * started with {@code --oidc-issuer}, the demo upstream (which echoes the headers it gets), a
 * test OIDC provider ({@link TestOidcIssuer}) and headless Chromium doing the redirects as a
 * visitor's browser would. Processes and the browser are shared by the class.
 */
class OidcIT {

    private static final String SECRET = "e2e-client-s3cret";
    private static final TestOidcIssuer.User ALICE =
            new TestOidcIssuer.User("alice-sub", "alice@example.com", Map.of());

    private static TestOidcIssuer issuer;
    private static PortholeSystem system;
    private static PortholeSystem.Agent sso;
    private static PortholeSystem.Agent other;
    private static Browser browser;

    @BeforeAll
    static void start() {
        issuer = new TestOidcIssuer("porthole-e2e", SECRET, ALICE).start();
        system = new PortholeSystem("OidcIT")
                .gatewaySetting("PORTHOLE_GATEWAY_POLICY_OIDC_ALLOW_HTTP_ISSUER", "true")
                .startGateway()
                .startUpstream();
        List<String> login = List.of(
                "--no-inspect",
                "--oidc-issuer",
                issuer.issuer(),
                "--oidc-client-id",
                "porthole-e2e",
                "--oidc-client-secret",
                SECRET,
                "--oidc-allow-domain",
                "example.com");
        sso = system.startAgent("sso", login);
        other = system.startAgent("sso-other", login);
        browser =
                Browser.start("OidcIT", List.of("--host-resolver-rules=MAP *." + PortholeSystem.DOMAIN + " 127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        system.close();
        issuer.close();
    }

    private static String url(PortholeSystem.Agent agent, String path) {
        return "http://" + system.host(agent.name()) + path;
    }

    /** Opens the page in Chromium, which follows the gateway's and the issuer's redirects; returns the page text. */
    private static String browse(String url) {
        browser.driver().get(url);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
                .until(d -> d.getCurrentUrl().startsWith(url.substring(0, url.indexOf('/', 8))));
        return browser.driver().getPageSource();
    }

    private static HttpResponse<String> get(PortholeSystem.Agent agent, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.gatewayUrl(path)))
                .header("Host", system.host(agent.name()))
                .timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return Http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBrowserLogsInAtTheIssuerAndTheUpstreamGetsTheIdentityNeverAForgedOne() {
        browser.driver().manage().deleteAllCookies();
        String page = browse(url(sso, "/headers"));
        browser.screenshot("logged-in");
        assertThat(page)
                .contains("\"x-porthole-user\":\"alice-sub\"")
                .contains("\"x-porthole-email\":\"alice@example.com\"")
                .contains("\"x-porthole-policy\":\"oidc\"")
                .doesNotContain("porthole_oidc");

        Cookie session = browser.driver().manage().getCookieNamed("porthole_oidc");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        HttpResponse<String> forged = get(
                sso,
                "/headers",
                "Cookie",
                "porthole_oidc=" + session.getValue(),
                "X-Porthole-User",
                "mallory",
                "X-Porthole-Email",
                "ceo@example.com");
        assertThat(forged.statusCode()).isEqualTo(200);
        assertThat(forged.body())
                .contains("\"x-porthole-user\":\"alice-sub\"")
                .doesNotContain("mallory")
                .doesNotContain("ceo@example.com");

        HttpResponse<String> elsewhere = get(other, "/headers", "Cookie", "porthole_oidc=" + session.getValue());
        assertThat(elsewhere.statusCode())
                .as("the cookie of one tunnel's host on another's")
                .isEqualTo(302);
        assertThat(elsewhere.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).startsWith(issuer.issuer() + "/authorize"));

        assertThat(system.gateway().stdout()).noneMatch(line -> line.contains(SECRET));
        assertThat(sso.process().stdout()).noneMatch(line -> line.contains(SECRET));
        assertThat(sso.process().stderr()).noneMatch(line -> line.contains(SECRET));
    }

    @Test
    void aLoginOutsideTheAllowedDomainIsRefusedWithAPageSayingWhy() {
        browser.driver().manage().deleteAllCookies();
        issuer.approveAs(new TestOidcIssuer.User("bob-sub", "bob@other.org", Map.of()));
        try {
            String page = browse(url(sso, "/headers"));
            browser.screenshot("wrong-domain");
            assertThat(page)
                    .contains("403")
                    .contains("example.com only")
                    .contains("bob@other.org")
                    .doesNotContain("x-porthole-user");
        } finally {
            issuer.approveAs(ALICE);
        }
    }

    @Test
    void anIssuerThatGoesAwayDuringALoginGivesA502Page() {
        HttpResponse<String> first = get(sso, "/");
        assertThat(first.statusCode()).isEqualTo(302);
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> atIssuer =
                Http.get(first.headers().firstValue("Location").orElseThrow());
        URI back = URI.create(atIssuer.headers().firstValue("Location").orElseThrow());
        int port = issuer.port();
        issuer.stop();
        try {
            HttpResponse<String> callback = get(sso, back.getRawPath() + "?" + back.getRawQuery(), "Cookie", cookie);
            assertThat(callback.statusCode()).isEqualTo(502);
            assertThat(callback.body()).contains("could not be reached");
        } finally {
            issuer.start(port);
        }
    }

    @Test
    void anAgentWhoseIssuerCannotBeReachedIsRefusedAtStart() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ServiceProcess refused = system.launchHttpAgent(
                "sso-gone",
                system.gatewayPort(),
                List.of(
                        "--no-inspect",
                        "--oidc-issuer",
                        "http://127.0.0.1:" + closed,
                        "--oidc-client-id",
                        "porthole-e2e"));
        assertThat(refused.awaitExit(Duration.ofSeconds(60))).isEqualTo(4);
        assertThat(String.join("\n", refused.stderr()))
                .contains("oidc-issuer 'http://127.0.0.1:" + closed + "' could not be discovered");
    }
}
