package dev.porthole.gateway.policy;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.ingress.ErrorPages;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.TunnelPolicy;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TestOidcIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OIDC login at the edge against a real OIDC provider ({@link TestOidcIssuer}) and real HTTP:
 * the visitor is sent to the issuer, comes back with a code the gateway exchanges (PKCE, client
 * secret), and then passes with identity headers the visitor cannot forge; the sealed cookie opens
 * on its own tunnel only; a wrong domain, a tampered cookie and an unreachable issuer are refused.
 */
@QuarkusTest
@TestProfile(GatewayTestProfiles.DualStack.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class OidcLoginTest {

    private static final TestOidcIssuer.User ALICE =
            new TestOidcIssuer.User("alice-sub", "alice@example.com", Map.of("groups", List.of("staff")));
    private static TestOidcIssuer issuer;

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    private TestAgent agent;
    private static boolean warm;

    /**
     * The tests' heartbeat timeout is 1 s, and an agent waits for WELCOME while its issuer is
     * discovered: the first discovery in a fresh JVM loads the OAuth2 classes, so do one first.
     */
    @BeforeEach
    void warmUp() throws Exception {
        if (!warm) {
            OpenIDConnectAuth.discover(
                            vertx, new OAuth2Options().setSite(issuer.issuer()).setClientId("porthole-test"))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS)
                    .close();
            warm = true;
        }
    }

    @BeforeAll
    static void startIssuer() {
        issuer = new TestOidcIssuer("porthole-test", "client-s3cret", ALICE).start();
    }

    @AfterAll
    static void stopIssuer() {
        issuer.close();
    }

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
        issuer.approveAs(ALICE);
    }

    private static TunnelPolicy login(String issuerUrl, List<String> domains) {
        return TunnelPolicy.NONE.withOidc(
                new TunnelPolicy.Oidc(issuerUrl, "porthole-test", "client-s3cret", domains, List.of()));
    }

    private List<TunnelResult> connect(List<TunnelRequest> tunnels) {
        agent = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-oidc", tunnels);
        List<TunnelResult> results = agent.awaitWelcome().tunnels();
        agent.serving(Upstreams.respond(200, "served"));
        return results;
    }

    private Visitor.Reply get(String host, String uri, String cookie, MultiMap extra) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(extra);
        if (cookie != null) {
            headers.add("Cookie", cookie);
        }
        return new Visitor(vertx, "127.0.0.1", GatewayPortResource.port())
                .send(HttpMethod.GET, host, uri, headers, null);
    }

    /** The cookie a {@code Set-Cookie} sets, as a browser sends it back ({@code name=value}). */
    private static String cookieOf(Visitor.Reply reply) {
        String set = reply.header("Set-Cookie");
        assertThat(set)
                .as("a Set-Cookie")
                .startsWith(OidcCookie.NAME + "=")
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Lax")
                .doesNotContainIgnoringCase("domain=");
        return set.substring(0, set.indexOf(';'));
    }

    /** What a browser does at the issuer: follows the authorize URL and returns where the issuer sends it back. */
    private URI authorize(String location) throws Exception {
        assertThat(location)
                .startsWith(issuer.issuer() + "/authorize?")
                .contains("code_challenge_method=S256")
                .contains("nonce=")
                .contains("state=")
                .contains("client_id=porthole-test")
                .doesNotContain("client-s3cret");
        HttpClient http = vertx.createHttpClient();
        try {
            String back = http.request(new RequestOptions().setAbsoluteURI(location))
                    .compose(r -> r.send())
                    .map(r -> r.getHeader("Location"))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            return URI.create(back);
        } finally {
            http.close();
        }
    }

    /** The whole login as a browser goes through it; returns the callback's reply. */
    private Visitor.Reply logIn(String host, String path) throws Exception {
        Visitor.Reply first = get(host, path, null, MultiMap.caseInsensitiveMultiMap());
        assertThat(first.status()).as(first.text()).isEqualTo(302);
        URI back = authorize(first.header("Location"));
        assertThat(back.getPath()).isEqualTo(OidcFlow.CALLBACK);
        assertThat(back.getHost()).isEqualTo(host);
        return get(
                host,
                back.getRawPath() + "?" + back.getRawQuery(),
                cookieOf(first),
                MultiMap.caseInsensitiveMultiMap());
    }

    @Test
    void aLoggedInVisitorPassesWithIdentityHeadersTheVisitorCannotForge() throws Exception {
        assertThat(connect(List.of(TunnelRequest.http("oidc", "x:1")
                                .withPolicy(login(issuer.issuer(), List.of("example.com")))))
                        .getFirst()
                        .granted())
                .isTrue();

        Visitor.Reply callback = logIn("oidc.porthole.test", "/reports?q=1");
        assertThat(callback.status()).as(callback.text()).isEqualTo(302);
        assertThat(callback.header("Location")).isEqualTo("/reports?q=1");
        String session = cookieOf(callback);
        assertThat(agent.opened).as("nothing of the login reached the agent").isEmpty();

        Visitor.Reply page = get(
                "oidc.porthole.test",
                "/reports?q=1",
                session + "; theme=dark",
                MultiMap.caseInsensitiveMultiMap()
                        .add("X-Porthole-User", "admin")
                        .add("X-Porthole-Email", "ceo@example.com"));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).isEqualTo("served");
        Open open = agent.opened.getFirst();
        assertThat(headers(open, "X-Porthole-User")).containsExactly("alice-sub");
        assertThat(headers(open, "X-Porthole-Email")).containsExactly("alice@example.com");
        assertThat(headers(open, "X-Porthole-Policy")).containsExactly("oidc");
        assertThat(headers(open, "Cookie"))
                .as("the gateway's cookie stays at the gateway")
                .containsExactly("theme=dark");

        Visitor.Reply tampered = get(
                "oidc.porthole.test",
                "/",
                session.substring(0, session.length() - 2) + "AA",
                MultiMap.caseInsensitiveMultiMap());
        assertThat(tampered.status()).as("an altered cookie is no login").isEqualTo(302);
        Visitor.Reply post = new Visitor(vertx, "127.0.0.1", GatewayPortResource.port())
                .send(HttpMethod.POST, "oidc.porthole.test", "/", MultiMap.caseInsensitiveMultiMap(), null);
        assertThat(post.status()).isEqualTo(401);
        assertThat(post.header(ErrorPages.ERROR_HEADER)).isEqualTo("policy-oidc");
        assertThat(agent.opened).hasSize(1);
    }

    @Test
    void theSessionRecordTheAdminApiShowsTheIssuerButNotTheClientSecret() throws Exception {
        connect(List.of(
                TunnelRequest.http("oidc-listed", "x:1").withPolicy(login(issuer.issuer(), List.of("example.com")))));
        String key = "porthole:session:" + agent.awaitWelcome().sessionId();
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        redis.get(key).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS) != null);
        String record = redis.get(key)
                .map(Object::toString)
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(record)
                .contains("\"policy\":\"oidc(" + issuer.issuer() + ", 1 domains, 0 claims)\"")
                .doesNotContain("client-s3cret");
    }

    @Test
    void aLoginCookieFromOneTunnelsHostDoesNotWorkOnAnothers() throws Exception {
        List<TunnelResult> results = connect(List.of(
                TunnelRequest.http("oidc-a", "x:1").withPolicy(login(issuer.issuer(), List.of())),
                TunnelRequest.http("oidc-b", "x:1").withPolicy(login(issuer.issuer(), List.of()))));
        assertThat(results).allMatch(TunnelResult::granted);
        String session = cookieOf(logIn("oidc-a.porthole.test", "/"));

        assertThat(get("oidc-a.porthole.test", "/", session, MultiMap.caseInsensitiveMultiMap())
                        .status())
                .isEqualTo(200);
        Visitor.Reply other = get("oidc-b.porthole.test", "/", session, MultiMap.caseInsensitiveMultiMap());
        assertThat(other.status())
                .as("same issuer and client, other host: sent to log in")
                .isEqualTo(302);
        assertThat(agent.opened).hasSize(1);
    }

    @Test
    void aVisitorOutsideTheAllowedDomainIsRefusedAfterLoggingIn() throws Exception {
        connect(List.of(
                TunnelRequest.http("oidc-domain", "x:1").withPolicy(login(issuer.issuer(), List.of("example.com")))));
        issuer.approveAs(new TestOidcIssuer.User("bob-sub", "bob@other.org", Map.of()));

        Visitor.Reply callback = logIn("oidc-domain.porthole.test", "/");
        assertThat(callback.status()).isEqualTo(403);
        assertThat(callback.header(ErrorPages.ERROR_HEADER)).isEqualTo("policy-oidc");
        assertThat(callback.text()).contains("example.com").contains("bob@other.org");
        assertThat(agent.opened).isEmpty();
    }

    @Test
    void aTunnelWhoseIssuerCannotBeReachedIsRefusedAtStart() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        TunnelResult result = connect(List.of(TunnelRequest.http("oidc-gone", "x:1")
                        .withPolicy(login("http://127.0.0.1:" + closed, List.of()))))
                .getFirst();
        assertThat(result.granted()).isFalse();
        assertThat(result.message())
                .contains("oidc-issuer 'http://127.0.0.1:" + closed + "' could not be discovered")
                .contains("/.well-known/openid-configuration")
                .doesNotContain("client-s3cret");
    }

    @Test
    void anIssuerThatGoesAwayDuringTheLoginGivesAClear502() throws Exception {
        connect(List.of(TunnelRequest.http("oidc-down", "x:1").withPolicy(login(issuer.issuer(), List.of()))));
        Visitor.Reply first = get("oidc-down.porthole.test", "/", null, MultiMap.caseInsensitiveMultiMap());
        URI back = authorize(first.header("Location"));
        int port = issuer.port();
        issuer.stop();
        try {
            Visitor.Reply callback = get(
                    "oidc-down.porthole.test",
                    back.getRawPath() + "?" + back.getRawQuery(),
                    cookieOf(first),
                    MultiMap.caseInsensitiveMultiMap());
            assertThat(callback.status()).isEqualTo(502);
            assertThat(callback.header(ErrorPages.ERROR_HEADER)).isEqualTo("policy-oidc-unreachable");
            assertThat(callback.text()).contains("could not be reached");
        } finally {
            issuer.start(port);
        }
        assertThat(agent.opened).isEmpty();
    }

    @Test
    void aCallbackWithoutItsLoginCookieOrWithAnotherStateIsRefused() throws Exception {
        connect(List.of(TunnelRequest.http("oidc-state", "x:1").withPolicy(login(issuer.issuer(), List.of()))));
        Visitor.Reply first = get("oidc-state.porthole.test", "/", null, MultiMap.caseInsensitiveMultiMap());
        URI back = authorize(first.header("Location"));
        int issued = issuer.tokensIssued();

        Visitor.Reply noCookie = get(
                "oidc-state.porthole.test",
                back.getRawPath() + "?" + back.getRawQuery(),
                null,
                MultiMap.caseInsensitiveMultiMap());
        assertThat(noCookie.status()).isEqualTo(400);
        assertThat(noCookie.header(ErrorPages.ERROR_HEADER)).isEqualTo("policy-oidc-state");
        Visitor.Reply otherState = get(
                "oidc-state.porthole.test",
                back.getRawPath() + "?" + back.getRawQuery().replaceAll("state=[^&]*", "state=forged"),
                cookieOf(first),
                MultiMap.caseInsensitiveMultiMap());
        assertThat(otherState.status()).isEqualTo(400);
        assertThat(issuer.tokensIssued())
                .as("no code was exchanged for a forged callback")
                .isEqualTo(issued);
    }

    private static List<String> headers(Open open, String name) {
        return open.request().headers().stream()
                .filter(h -> h.name().equalsIgnoreCase(name))
                .map(Header::value)
                .toList();
    }
}
