package dev.porthole.gateway.ingress;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.protocol.message.Header;
import dev.porthole.testing.RawVisitor;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Visitors who send what no browser sends: each gets the right status or is disconnected, the
 * agent never sees a request it should not, and the gateway goes on serving everyone else.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class HostileVisitorTest {

    @Inject
    Vertx vertx;

    private TestAgent agent;

    @BeforeEach
    void connect() {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-hostile", "victim");
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        agent.serving(Upstreams.respond(200, "served"));
    }

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
    }

    /** Writes raw bytes and reads until the gateway closes the connection or stays silent for 5 s. */
    private static String exchange(String raw) throws IOException {
        return RawVisitor.exchange(GatewayPortResource.port(), raw, Duration.ofSeconds(5))
                .text();
    }

    private static String host() {
        return "victim.porthole.test:" + GatewayPortResource.port();
    }

    private static int statusOf(String response) {
        assertThat(response).as("an HTTP answer").startsWith("HTTP/1.");
        return Integer.parseInt(response.substring(9, 12));
    }

    private void stillServesOthers() throws IOException {
        String ok = exchange("GET /after HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(ok)).isEqualTo(200);
        assertThat(ok).endsWith("served");
    }

    @Test
    void anOversizedHeadGets431AndAnOverlongUrlGets414() throws Exception {
        String big = "GET / HTTP/1.1\r\nHost: " + host() + "\r\nX-Big: " + "b".repeat(20 * 1024)
                + "\r\nConnection: close\r\n\r\n";
        assertThat(statusOf(exchange(big))).isEqualTo(431);
        String longUrl =
                "GET /" + "u".repeat(9 * 1024) + " HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n";
        assertThat(statusOf(exchange(longUrl))).isEqualTo(414);
        assertThat(agent.opened).isEmpty();
        stillServesOthers();
    }

    /**
     * RFC 9112 6.1: a request with both Transfer-Encoding and Content-Length may be refused, and the
     * HTTP parser does refuse it (400, connection closed). Whatever the status, nothing may be
     * smuggled: the agent sees no request, and the bytes behind the chunks never become a request.
     */
    @Test
    void conflictingContentLengthAndTransferEncodingSmuggleNothing() throws Exception {
        String smuggle = "POST /first HTTP/1.1\r\nHost: " + host()
                + "\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /second HTTP/1.1\r\nHost: nobody.porthole.test\r\nConnection: close\r\n\r\n";
        String answer = exchange(smuggle);
        assertThat(statusOf(answer)).isEqualTo(400);
        assertThat(answer)
                .as("the bytes after the chunks were not read as a second request")
                .doesNotContain("HTTP/1.1 404");
        assertThat(agent.opened).isEmpty();
        stillServesOthers();
    }

    @Test
    void twoContentLengthsAreRefused() throws Exception {
        String answer =
                exchange("POST / HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 1\r\nContent-Length: 30\r\n\r\nx");
        assertThat(statusOf(answer)).isEqualTo(400);
        assertThat(agent.opened).isEmpty();
    }

    @Test
    void invalidOrDuplicateHostHeadersAreRefused() throws Exception {
        assertThat(statusOf(exchange("GET / HTTP/1.1\r\nHost: victim porthole test\r\nConnection: close\r\n\r\n")))
                .isEqualTo(400);
        assertThat(statusOf(exchange("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")))
                .isEqualTo(400);
        assertThat(statusOf(exchange("GET / HTTP/1.1\r\nHost: " + host()
                        + "\r\nHost: other.porthole.test\r\nConnection: close\r\n\r\n")))
                .isEqualTo(400);
        assertThat(agent.opened).isEmpty();
    }

    @Test
    void pathRoutingCannotBeSteeredToAnotherTunnelByDotSegments() throws Exception {
        String viaDots =
                exchange("GET /t/attacker/../victim/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(viaDots))
                .as("the name is the first segment, as sent: 'attacker' has no tunnel")
                .isEqualTo(404);
        String encoded = exchange("GET /t/%76ictim/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(encoded)).isEqualTo(404);
        String dotName = exchange("GET /t/../t/victim/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(dotName)).isEqualTo(404);
        assertThat(agent.opened).isEmpty();

        String inside =
                exchange("GET /t/victim/../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(inside)).isEqualTo(200);
        assertThat(agent.opened.getLast().request().uri())
                .as("forwarded as sent; the upstream decides what it means")
                .isEqualTo("/../../etc/passwd");
    }

    /**
     * RFC 9112 3.2.2: an absolute-form target names the host itself. Routed by Host but forwarded as
     * sent, it would make an upstream that honours the target (Go's does) see another host than
     * the one routed.
     */
    @Test
    void anAbsoluteTargetNamingAnotherHostThanHostIsRefused() throws Exception {
        String answer =
                exchange("GET http://other.example/x HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(answer)).isEqualTo(400);
        assertThat(agent.opened).isEmpty();
        stillServesOthers();
    }

    @Test
    void anAbsoluteTargetForTheRoutedHostIsForwardedInOriginForm() throws Exception {
        String answer = exchange(
                "GET http://" + host() + "/x?y=1 HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(answer)).isEqualTo(200);
        assertThat(agent.opened.getLast().request().uri()).isEqualTo("/x?y=1");
    }

    /** RFC 9110 7.6.1: Connection names hop-by-hop options; it cannot strip what every recipient must see. */
    @Test
    void connectionCannotNominateHostFramingCredentialsOrForwardingHeaders() throws Exception {
        String answer = exchange(
                "POST /n HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 4\r\nAuthorization: Bearer abc\r\n"
                        + "Cookie: s=1\r\nX-Custom: dropped\r\n"
                        + "Connection: Host, Content-Length, Authorization, Cookie, X-Forwarded-For, X-Forwarded-Host, X-Custom\r\n"
                        + "Connection: close\r\n\r\nbody");
        assertThat(statusOf(answer)).isEqualTo(200);
        List<Header> headers = agent.opened.getLast().request().headers();
        assertThat(headers)
                .contains(
                        new Header("Host", host()),
                        new Header("Content-Length", "4"),
                        new Header("Authorization", "Bearer abc"),
                        new Header("Cookie", "s=1"),
                        new Header("X-Forwarded-Host", host()));
        assertThat(headers)
                .extracting(Header::name)
                .contains("X-Forwarded-For")
                .doesNotContain("X-Custom", "Connection");
    }

    /** Issue 16.6: a Host the gateway does not serve used to fall through to path routing and reach the upstream as X-Forwarded-Host. */
    @Test
    void aHostTheGatewayDoesNotServeGets421AndReachesNoAgent() throws Exception {
        String answer = exchange("GET /t/victim/x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(answer)).isEqualTo(421);
        assertThat(agent.opened).isEmpty();
    }

    @Test
    void theUpstreamGetsTheCanonicalHostNotTheCaseOrPortTheVisitorChose() throws Exception {
        String answer = exchange("GET /x HTTP/1.1\r\nHost: VICTIM.Porthole.Test:1\r\nConnection: close\r\n\r\n");
        assertThat(statusOf(answer)).isEqualTo(200);
        String canonical = "victim.porthole.test:" + GatewayPortResource.port();
        assertThat(agent.opened.getLast().request().headers())
                .contains(new Header("X-Forwarded-Host", canonical))
                .filteredOn(header -> header.name().equalsIgnoreCase("host"))
                .containsExactly(new Header("Host", canonical));
    }
}
