package dev.porthole.gateway.ingress;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class HttpIngressTest {

    @Inject
    Vertx vertx;

    private TestAgent agent;

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
    }

    private Visitor tunnel(String name) {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-" + name, name);
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        return new Visitor(vertx, GatewayPortResource.port());
    }

    private static String host(String name) {
        return name + ".porthole.test:" + GatewayPortResource.port();
    }

    @Test
    void aSingleGatewayDropsTheGatewaysOwnHeadersFromVisitorsAndServesThem() {
        Visitor visitor = tunnel("alone");
        agent.serving(Upstreams.respond(200, "served"));
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("X-Porthole-Gateway-Token", "guess")
                .add("X-Porthole-Forwarded-By", "gw-x")
                .add("X-Forwarded-For", "6.6.6.6");
        Visitor.Reply reply = visitor.send(HttpMethod.GET, host("alone"), "/", headers, null);

        assertThat(reply.status())
                .as("without cluster.internal-address the headers mean nothing")
                .isEqualTo(200);
        HttpRequestHead head = agent.opened.getLast().request();
        assertThat(header(head, "X-Porthole-Gateway-Token")).isNull();
        assertThat(header(head, "X-Porthole-Forwarded-By")).isNull();
        assertThat(header(head, "X-Forwarded-For"))
                .as("and they make no visitor trusted")
                .isEqualTo("127.0.0.1");
    }

    @Test
    void routesBySubdomainAndForwardsTheRequestHead() {
        Visitor visitor = tunnel("sub");
        agent.serving(Upstreams.respond(200, "hello from upstream"));
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("X-Forwarded-For", "6.6.6.6")
                .add("X-Custom", "kept")
                .add("Connection", "keep-alive, X-Drop-Me")
                .add("X-Drop-Me", "gone");
        Visitor.Reply reply = visitor.send(HttpMethod.GET, host("sub"), "/path/x?q=1", headers, null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("hello from upstream");

        HttpRequestHead head = agent.opened.getLast().request();
        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.uri()).isEqualTo("/path/x?q=1");
        assertThat(header(head, "Host")).isEqualTo(host("sub"));
        assertThat(header(head, "X-Custom")).isEqualTo("kept");
        assertThat(header(head, "X-Forwarded-For"))
                .as("a visitor's own X-Forwarded-For is replaced")
                .isEqualTo("127.0.0.1");
        assertThat(header(head, "X-Forwarded-Proto")).isEqualTo("http");
        assertThat(header(head, "X-Forwarded-Host")).isEqualTo(host("sub"));
        assertThat(header(head, "X-Drop-Me"))
                .as("headers named in Connection are hop-by-hop")
                .isNull();
        assertThat(header(head, "Connection")).isNull();
    }

    @Test
    void routesByPathPrefixAndStripsIt() {
        Visitor visitor = tunnel("pathy");
        agent.serving(Upstreams.respond(200, "via path"));
        Visitor.Reply reply = visitor.get("127.0.0.1:" + GatewayPortResource.port(), "/t/pathy/inner/page?a=b");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("via path");
        HttpRequestHead head = agent.opened.getLast().request();
        assertThat(head.uri()).isEqualTo("/inner/page?a=b");
        assertThat(header(head, "X-Forwarded-Prefix")).isEqualTo("/t/pathy");

        visitor.get("127.0.0.1", "/t/pathy");
        assertThat(agent.opened.getLast().request().uri()).isEqualTo("/");
    }

    @Test
    void answers404WithAnExplanationForAnUnknownTunnel() {
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        Visitor.Reply bySubdomain = visitor.get(host("nobody"), "/");
        assertThat(bySubdomain.status()).isEqualTo(404);
        assertThat(bySubdomain.header(ErrorPages.ERROR_HEADER)).isEqualTo("tunnel-not-found");
        assertThat(bySubdomain.text()).contains("No agent is serving tunnel 'nobody'");

        Visitor.Reply byPath = visitor.get("127.0.0.1", "/t/nobody/x");
        assertThat(byPath.status()).isEqualTo(404);

        Visitor.Reply apex = visitor.get("porthole.test", "/");
        assertThat(apex.status()).isEqualTo(404);
        assertThat(apex.header(ErrorPages.ERROR_HEADER)).isEqualTo("no-tunnel");
    }

    @Test
    void browsersGetAnHtmlErrorPage() {
        Visitor.Reply reply = new Visitor(vertx, GatewayPortResource.port())
                .send(
                        HttpMethod.GET,
                        host("nobody"),
                        "/",
                        MultiMap.caseInsensitiveMultiMap().add("Accept", "text/html"),
                        null);
        assertThat(reply.header("Content-Type")).startsWith("text/html");
        assertThat(reply.text()).contains("<h1>404 Tunnel Not Found</h1>");
    }

    @Test
    void streamsALargeBodyBothWaysIntact() throws Exception {
        Visitor visitor = tunnel("echo");
        agent.serving(Upstreams.echo());
        byte[] payload = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        Visitor.Reply reply = visitor.send(
                HttpMethod.PUT, host("echo"), "/upload", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(payload));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(MessageDigest.getInstance("SHA-256").digest(reply.body().getBytes()))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
        assertThat(header(agent.opened.getLast().request(), "Content-Length"))
                .isEqualTo(String.valueOf(payload.length));
    }

    @Test
    void aChunkedRequestBodyIsMarkedChunkedForTheAgent() throws Exception {
        Visitor visitor = tunnel("chunky");
        agent.serving(Upstreams.echo());
        String body = visitor.call(client -> client.request(new RequestOptions()
                                .setMethod(HttpMethod.POST)
                                .setHost("127.0.0.1")
                                .setPort(GatewayPortResource.port())
                                .setURI("/c")
                                .putHeader("Host", host("chunky")))
                        .compose(request -> {
                            request.setChunked(true);
                            request.write("part one, ");
                            request.end("part two");
                            return request.response().compose(response -> response.body());
                        }))
                .toString();
        assertThat(body).isEqualTo("part one, part two");
        assertThat(header(agent.opened.getLast().request(), "Transfer-Encoding"))
                .isEqualTo("chunked");
    }

    @Test
    void anUpstreamThatRefusesBecomesA502ThatShowsNoInternalAddress() {
        Visitor visitor = tunnel("refused");
        agent.serving(Upstreams.reset(
                ResetCode.UPSTREAM_REFUSED, "the agent could not connect to the local service at 127.0.0.1:3000"));
        Visitor.Reply reply = visitor.get(host("refused"), "/");
        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header(ErrorPages.ERROR_HEADER)).isEqualTo("upstream-refused");
        assertThat(reply.text())
                .as("the address is in the agent's log and inspector, not on a page anyone can see")
                .doesNotContain("127.0.0.1")
                .doesNotContain("3000")
                .contains("could not reach the service behind it");
    }

    @Test
    void whateverTheAgentSaysWhenItResetsAStreamStaysOffThePage() {
        Visitor visitor = tunnel("chatty");
        for (ResetCode code : ResetCode.values()) {
            agent.serving(Upstreams.reset(code, "internal detail 10.1.2.3:5432"));
            Visitor.Reply reply = visitor.get(host("chatty"), "/");
            assertThat(reply.status()).as(code.name()).isGreaterThanOrEqualTo(500);
            assertThat(reply.text()).as(code.name()).doesNotContain("10.1.2.3").doesNotContain("internal detail");
        }
    }

    @Test
    void anUpstreamThatNeverAnswersBecomesA504AfterTheTimeout() {
        Visitor visitor = tunnel("slow");
        agent.serving(Upstreams.silent());
        Visitor.Reply reply = visitor.get(host("slow"), "/");
        assertThat(reply.status()).isEqualTo(504);
        assertThat(reply.header(ErrorPages.ERROR_HEADER)).isEqualTo("upstream-timeout");
        assertThat(reply.text()).contains("did not answer within 2 seconds");
    }

    @Test
    void aTunnelWhoseAgentLeftAnswers502UntilItComesBack() {
        Visitor visitor = tunnel("flaky");
        agent.serving(Upstreams.respond(200, "up"));
        assertThat(visitor.get(host("flaky"), "/").status()).isEqualTo(200);
        TestAgent.closeAndAwait(agent);
        await().until(() -> visitor.get(host("flaky"), "/").status() == 502);
        Visitor.Reply reply = visitor.get(host("flaky"), "/");
        assertThat(reply.header(ErrorPages.ERROR_HEADER)).isEqualTo("agent-offline");
        assertThat(reply.text())
                .contains("went offline")
                .contains("may reconnect")
                .as("the agent's close reason stays in the logs")
                .doesNotContain("test done");
        Visitor again = tunnel("flaky");
        agent.serving(Upstreams.respond(200, "up again"));
        assertThat(again.get(host("flaky"), "/").text()).isEqualTo("up again");
    }

    @Test
    void anAgentThatDisconnectsMidRequestBecomesA502() {
        Visitor visitor = tunnel("vanish");
        agent.serving((stream, open) -> agent.close());
        Visitor.Reply reply = visitor.get(host("vanish"), "/");
        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header(ErrorPages.ERROR_HEADER)).isIn("agent-disconnected", "tunnel-not-found");
        agent = null;
    }

    @Test
    void aResponseThatBreaksAfterItsHeadCutsTheVisitorsConnection() throws Exception {
        Visitor visitor = tunnel("broken");
        agent.serving(Upstreams.breakAfterHead());
        Throwable failure = visitor.call(client -> client.request(new RequestOptions()
                        .setHost("127.0.0.1")
                        .setPort(GatewayPortResource.port())
                        .setURI("/")
                        .putHeader("Host", host("broken")))
                .compose(request -> request.send())
                .compose(response -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    return response.body();
                })
                .transform(result -> Future.succeededFuture(result.cause())));
        assertThat(failure).as("the body must fail, not end as if complete").isNotNull();
    }

    @Test
    void aVisitorWhoLeavesResetsTheStreamAtTheAgent() throws Exception {
        Visitor visitor = tunnel("leaver");
        CompletableFuture<Throwable> reset = new CompletableFuture<>();
        agent.serving((stream, open) -> stream.exceptionHandler(reset::complete));
        HttpClientRequest request = visitor.call(client -> client.request(new RequestOptions()
                        .setHost("127.0.0.1")
                        .setPort(GatewayPortResource.port())
                        .setURI("/")
                        .putHeader("Host", host("leaver")))
                .onSuccess(HttpClientRequest::send));
        await().until(() -> !agent.opened.isEmpty());
        request.connection().close();
        assertThat(reset.get(10, TimeUnit.SECONDS)).hasMessageContaining("visitor closed the connection");
    }

    @Test
    void anUpgradeIsAnsweredWith101AndThenCarriesRawBytesBothWays() throws Exception {
        tunnel("upgrader");
        agent.serving((stream, open) -> {
            stream.respond(new dev.porthole.protocol.message.HttpResponseHead(
                    101,
                    "Switching Protocols",
                    List.of(
                            new Header("Upgrade", "websocket"),
                            new Header("Connection", "Upgrade"),
                            new Header("Sec-WebSocket-Accept", accept(header(open.request(), "Sec-WebSocket-Key"))))));
            stream.pipeTo(stream);
        });
        NetSocket socket = vertx.createNetClient()
                .connect(GatewayPortResource.port(), "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        Buffer received = Buffer.buffer();
        CompletableFuture<Void> echoed = new CompletableFuture<>();
        socket.handler(data -> {
            received.appendBuffer(data);
            if (received.toString().contains("raw bytes after the upgrade")) {
                echoed.complete(null);
            }
        });
        socket.write("GET /socket HTTP/1.1\r\nHost: " + host("upgrader")
                + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        await().until(() -> received.toString().contains("\r\n\r\n"));
        assertThat(received.toString())
                .startsWith("HTTP/1.1 101 Switching Protocols")
                .containsIgnoringCase("upgrade: websocket")
                .contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        socket.write("raw bytes after the upgrade");
        echoed.get(10, TimeUnit.SECONDS);
        assertThat(header(agent.opened.getLast().request(), "Upgrade")).isEqualTo("websocket");
        socket.close();
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes());
            return java.util.Base64.getEncoder().encodeToString(sha1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String header(HttpRequestHead head, String name) {
        return head.headers().stream()
                .filter(h -> h.name().equalsIgnoreCase(name))
                .map(Header::value)
                .findFirst()
                .orElse(null);
    }
}
