package dev.porthole.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.ClusterMember;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One gateway of a cluster: it forwards requests for tunnels another instance holds (a stand-in
 * peer here, a plain HTTP server), accepts forwarded requests only with the internal credential,
 * and forwards a request at most once.
 */
@QuarkusTest
@TestProfile(ClusterMember.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TcpRangeResource.class)
class ClusterForwardingTest {

    private static final String TOKEN = "Bearer test-token-0123456789";

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    private final List<HttpServerRequest> peerRequests = new CopyOnWriteArrayList<>();
    private HttpServer peer;
    private final AtomicBoolean closedOnce = new AtomicBoolean();
    private TestAgent agent;
    private Visitor visitor;

    @BeforeEach
    void startPeer() throws Exception {
        // The other instance: echoes the body and reports the headers it received.
        peer = vertx.createHttpServer()
                .requestHandler(request -> {
                    peerRequests.add(request);
                    if (request.path().equals("/closed-once") && closedOnce.getAndSet(true) == false) {
                        // A stopping instance closing a pooled connection just as a forwarded request arrives on it.
                        request.connection().close();
                        return;
                    }
                    if (request.method() == HttpMethod.CONNECT
                            || request.headers().contains("Upgrade")) {
                        // The holding instance of a carried stream or an upgrade: answers 200 or 101 and echoes the
                        // bytes.
                        request.response()
                                .putHeader("Upgrade", "websocket")
                                .putHeader("Connection", "Upgrade")
                                .putHeader("Sec-WebSocket-Accept", "peer-accept");
                        request.toNetSocket().onSuccess(socket -> socket.handler(socket::write));
                        return;
                    }
                    request.response()
                            .putHeader(
                                    "X-Peer-Saw-Token",
                                    String.valueOf(request.getHeader(ClusterMembership.TOKEN_HEADER)))
                            .putHeader(
                                    "X-Peer-Saw-Hop", String.valueOf(request.getHeader(ClusterMembership.HOP_HEADER)))
                            .putHeader("X-Peer-Saw-Forwarded-For", String.valueOf(request.getHeader("X-Forwarded-For")))
                            .putHeader("X-Peer-Saw-Host", String.valueOf(request.getHeader("Host")))
                            .setChunked(true);
                    request.pipeTo(request.response());
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        visitor = new Visitor(vertx, GatewayPortResource.port());
    }

    @AfterEach
    void stop() throws Exception {
        peer.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (agent != null) {
            agent.close();
            agent.closed.join();
        }
    }

    @Test
    void publishesItsInternalAddress() throws Exception {
        assertThat(get("porthole:gateway:" + ClusterMember.INSTANCE_ID)).isEqualTo(ClusterMember.INTERNAL_ADDRESS);
        long ttl = redis.pttl("porthole:gateway:" + ClusterMember.INSTANCE_ID)
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS)
                .toLong();
        assertThat(ttl)
                .as("expires with the registry's ttl, so a dead instance's address goes away")
                .isBetween(1L, 30_000L);
    }

    @Test
    void forwardsToTheInstanceTheRegistryNamesStreamingTheBodyBothWays() throws Exception {
        holdOnPeer("far", "gw-b", "127.0.0.1:" + peer.actualPort());
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        Visitor.Reply reply = visitor.send(
                HttpMethod.POST, host("far"), "/upload?x=1", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(body));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().getBytes()).isEqualTo(body);
        assertThat(reply.header("X-Peer-Saw-Token")).isEqualTo(ClusterMember.INTERNAL_TOKEN);
        assertThat(reply.header("X-Peer-Saw-Hop")).isEqualTo(ClusterMember.INSTANCE_ID);
        assertThat(reply.header("X-Peer-Saw-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(reply.header("X-Peer-Saw-Host")).startsWith("far.porthole.test");
        assertThat(peerRequests.getLast().uri()).isEqualTo("/upload?x=1");
    }

    @Test
    void refusesAForwardedRequestWithoutTheInternalCredential() {
        visitor = new Visitor(vertx, GatewayPortResource.port());
        Visitor.Reply wrong = visitor.send(
                HttpMethod.GET,
                host("any"),
                "/",
                MultiMap.caseInsensitiveMultiMap()
                        .add(ClusterMembership.TOKEN_HEADER, "cluster-token-0123456780")
                        .add(ClusterMembership.HOP_HEADER, "gw-x"),
                null);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.header("X-Porthole-Error")).isEqualTo("forward-refused");

        Visitor.Reply none = visitor.send(
                HttpMethod.GET,
                host("any"),
                "/",
                MultiMap.caseInsensitiveMultiMap().add(ClusterMembership.HOP_HEADER, "gw-x"),
                null);
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.text()).contains("valid gateway credential");
    }

    @Test
    void forwardsARequestAtMostOnce() throws Exception {
        holdOnPeer("bounce", "gw-b", "127.0.0.1:" + peer.actualPort());
        Visitor.Reply reply = visitor.send(HttpMethod.GET, host("bounce"), "/", forwardedBy("gw-c"), null);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("forward-hop-limit");
        assertThat(reply.text())
                .contains("forwarded at most once")
                .doesNotContain(ClusterMember.INSTANCE_ID)
                .doesNotContain("gw-c");
        assertThat(peerRequests).as("the second hop never happens").isEmpty();
    }

    @Test
    void servesAForwardedRequestKeepingTheVisitorsForwardedHeaders() {
        agent = TestAgent.connect(
                vertx, GatewayPortResource.port(), TOKEN, "agent-near", List.of(TunnelRequest.http("near", "x:1")));
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        agent.serving(Upstreams.respond(200, "near upstream"));
        MultiMap headers = forwardedBy("gw-b")
                .add("X-Forwarded-For", "203.0.113.9")
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "near.example.org");

        Visitor.Reply reply = visitor.send(HttpMethod.GET, host("near"), "/a", headers, null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("near upstream");
        HttpRequestHead head = agent.opened.getLast().request();
        assertThat(header(head, "X-Forwarded-For")).isEqualTo("203.0.113.9");
        assertThat(header(head, "X-Forwarded-Proto")).isEqualTo("https");
        assertThat(header(head, "X-Forwarded-Host")).isEqualTo("near.example.org");
        assertThat(header(head, ClusterMembership.TOKEN_HEADER))
                .as("the credential never reaches an agent")
                .isNull();
        assertThat(header(head, ClusterMembership.HOP_HEADER)).isNull();
    }

    @Test
    void forwardsAnUpgradeAndJoinsTheVisitorToTheHoldingInstance() throws Exception {
        holdOnPeer("socket", "gw-b", "127.0.0.1:" + peer.actualPort());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(GatewayPortResource.port())
                .setURI("/ws")
                .putHeader("Host", host("socket"))
                .putHeader("Connection", "Upgrade")
                .putHeader("Upgrade", "websocket")
                .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        Upgraded upgraded = visitor.call(http -> http.request(options)
                .compose(HttpClientRequest::connect)
                .compose(response -> {
                    if (response.statusCode() != 101) {
                        return response.body()
                                .map(body -> new Upgraded(response.statusCode(), response.headers(), body.toString()));
                    }
                    return echo(response.netSocket(), "ping through")
                            .map(text -> new Upgraded(101, response.headers(), text));
                }));

        assertThat(upgraded.status()).as(upgraded.text()).isEqualTo(101);
        assertThat(upgraded.headers().get("Sec-WebSocket-Accept"))
                .as("the holder's 101 head reaches the visitor")
                .isEqualTo("peer-accept");
        assertThat(upgraded.headers().get("Upgrade")).isEqualTo("websocket");
        assertThat(upgraded.text()).isEqualTo("ping through");
        HttpServerRequest seen = peerRequests.getLast();
        assertThat(seen.getHeader(ClusterMembership.TOKEN_HEADER)).isEqualTo(ClusterMember.INTERNAL_TOKEN);
        assertThat(seen.getHeader("Upgrade"))
                .as("the upgrade is asked for on the hop")
                .isEqualTo("websocket");
    }

    @Test
    void listensOnATcpPortHeldByAnotherInstanceAndCarriesItsConnectionsThere() throws Exception {
        int port = TcpRangeResource.first() + 1;
        set("porthole:route:tcp:{tcp:" + port + "}", new Route("gw-b", "s-tcp", "client-1", "agent-1").toJson());
        set("porthole:gateway:gw-b", "127.0.0.1:" + peer.actualPort());
        publishPortChange(port);

        String echoed = await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> exchange(port, "over the hop"), "over the hop"::equals);
        assertThat(echoed).isEqualTo("over the hop");
        HttpServerRequest connect = peerRequests.getLast();
        assertThat(connect.method()).isEqualTo(HttpMethod.CONNECT);
        assertThat(connect.getHeader(PeerStreams.STREAM_HEADER)).isEqualTo("tcp:" + port);
        assertThat(connect.getHeader(PeerStreams.SOURCE_HEADER)).startsWith("127.0.0.1:");
        assertThat(connect.getHeader(ClusterMembership.TOKEN_HEADER)).isEqualTo(ClusterMember.INTERNAL_TOKEN);
        assertThat(connect.getHeader(ClusterMembership.HOP_HEADER)).isEqualTo(ClusterMember.INSTANCE_ID);

        redis.del(List.of("porthole:route:tcp:{tcp:" + port + "}"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        publishPortChange(port);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThatThrownBy(() -> exchange(port, "x"))
                        .as("the mirror closes once nobody holds the port")
                        .isInstanceOf(ConnectException.class));
    }

    @Test
    void aPortAnotherProgramUsesHereIsReportedAndTheOthersAreStillMirrored() throws Exception {
        int taken = TcpRangeResource.first() + 3;
        int free = TcpRangeResource.first() + 4;
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(
                            record instanceof ExtLogRecord ext
                                    ? ext.getFormattedMessage()
                                    : String.valueOf(record.getMessage()));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger tcp = Logger.getLogger("dev.porthole.gateway.tcp");
        tcp.addHandler(capture);
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress("::", taken));
            set("porthole:gateway:gw-b", "127.0.0.1:" + peer.actualPort());
            for (int port : List.of(taken, free)) {
                set(
                        "porthole:route:tcp:{tcp:" + port + "}",
                        new Route("gw-b", "s-" + port, "client-1", "agent-1").toJson());
                publishPortChange(port);
            }

            assertThat(await().atMost(Duration.ofSeconds(30))
                            .ignoreExceptions()
                            .until(() -> exchange(free, "still mirrored"), "still mirrored"::equals))
                    .isEqualTo("still mirrored");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> warnings.stream()
                            .anyMatch(line ->
                                    line.contains("TCP port " + taken) && line.contains("cannot listen on it")));
        } finally {
            tcp.removeHandler(capture);
            redis.del(List.of("porthole:route:tcp:{tcp:" + taken + "}", "porthole:route:tcp:{tcp:" + free + "}"))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            publishPortChange(free);
        }
    }

    @Test
    void servesCarriedTcpConnectionsAndDialsAsStreamsToItsOwnAgents() throws Exception {
        agent = TestAgent.connect(
                        vertx,
                        GatewayPortResource.port(),
                        TOKEN,
                        "agent-streams",
                        List.of(
                                new TunnelRequest(TunnelKind.TCP, "", 0, false, "127.0.0.1:1"),
                                new TunnelRequest(TunnelKind.TCP, "vault", 0, true, "127.0.0.1:2")))
                .serving((stream, open) -> stream.handler(stream::write));
        int port = agent.awaitWelcome().tunnels().getFirst().port();

        assertThat(carry("tcp:" + port, "198.51.100.7:4242", "to the port")).isEqualTo("to the port");
        assertThat(agent.opened.getLast().tunnel()).isEqualTo("tcp-" + port);
        assertThat(agent.opened.getLast().source())
                .as("the visitor's address the other instance saw")
                .isEqualTo("198.51.100.7:4242");

        assertThat(carry("private:vault", "client alice at 127.0.0.1:5000", "to the vault"))
                .isEqualTo("to the vault");
        assertThat(agent.opened.getLast().tunnel()).isEqualTo("vault");
        assertThat(agent.opened.getLast().source()).isEqualTo("client alice at 127.0.0.1:5000");
    }

    @Test
    void refusesACarriedStreamForAPortNotServedHere() {
        int port = TcpRangeResource.first() + 2;
        MultiMap headers = forwardedBy("gw-b").add(PeerStreams.STREAM_HEADER, "tcp:" + port);
        Visitor.Reply reply = visitor.send(
                HttpMethod.CONNECT, "127.0.0.1:" + GatewayPortResource.port(), "127.0.0.1:1", headers, null);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header(PeerStreams.RESET_HEADER)).isEqualTo("NO_SUCH_TUNNEL");
        assertThat(reply.text())
                .contains(
                        "TCP port " + port + " is not served on gateway " + ClusterMember.INSTANCE_ID, "at most once");

        Visitor.Reply unnamed = visitor.send(
                HttpMethod.CONNECT,
                "127.0.0.1:" + GatewayPortResource.port(),
                "127.0.0.1:1",
                forwardedBy("gw-b").add(PeerStreams.STREAM_HEADER, "udp:53"),
                null);
        assertThat(unnamed.status()).isEqualTo(400);
        assertThat(unnamed.text()).contains("tcp:<port>, private:<name> or tls:<name>");

        Visitor.Reply tls = visitor.send(
                HttpMethod.CONNECT,
                "127.0.0.1:" + GatewayPortResource.port(),
                "127.0.0.1:1",
                forwardedBy("gw-b").add(PeerStreams.STREAM_HEADER, "tls:nobody"),
                null);
        assertThat(tls.status()).isEqualTo(502);
        assertThat(tls.header(PeerStreams.RESET_HEADER)).isEqualTo("NO_SUCH_TUNNEL");
        assertThat(tls.text())
                .contains(
                        "no agent serves TLS tunnel 'nobody' on gateway " + ClusterMember.INSTANCE_ID, "at most once");

        Visitor.Reply forged = visitor.send(
                HttpMethod.CONNECT,
                "127.0.0.1:" + GatewayPortResource.port(),
                "127.0.0.1:1",
                MultiMap.caseInsensitiveMultiMap()
                        .add(ClusterMembership.TOKEN_HEADER, "not-the-token")
                        .add(PeerStreams.STREAM_HEADER, "tcp:" + port),
                null);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.header("X-Porthole-Error")).isEqualTo("forward-refused");
    }

    @Test
    void movesOnToTheNextHolderWhenOneRefusesTheConnection() throws Exception {
        // An agent with HA connections on two instances; the one refreshed last was killed a moment ago and refuses
        // connections.
        int dead = FreePorts.loopback();
        long now = System.currentTimeMillis();
        set(
                "porthole:route:http:{pair}",
                new JsonObject()
                        .put("clientId", "client-1")
                        .put("agentId", "agent-1")
                        .put("owner", "client-1/agent-1")
                        .put("ha", true)
                        .put("gatewayId", "gw-killed")
                        .put("sessionId", "s-1")
                        .put(
                                "holders",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("gatewayId", "gw-killed")
                                                .put("sessionId", "s-1")
                                                .put("expiresAt", now + 60_000))
                                        .add(new JsonObject()
                                                .put("gatewayId", "gw-b")
                                                .put("sessionId", "s-2")
                                                .put("expiresAt", now + 30_000)))
                        .encode());
        set("porthole:gateway:gw-killed", "127.0.0.1:" + dead);
        set("porthole:gateway:gw-b", "127.0.0.1:" + peer.actualPort());

        Visitor.Reply reply = visitor.send(
                HttpMethod.POST,
                host("pair"),
                "/echo",
                MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("to the survivor"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("to the survivor");
        assertThat(peerRequests).hasSize(1);
    }

    @Test
    void sendsARequestWithoutBodyAgainWhenTheHolderClosesTheConnectionUnderIt() throws Exception {
        holdOnPeer("closing", "gw-b", "127.0.0.1:" + peer.actualPort());

        Visitor.Reply reply = visitor.get(host("closing"), "/closed-once");

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(peerRequests)
                .as("sent, cut, and sent again after a second look at the registry")
                .hasSize(2);
    }

    @Test
    void doesNotSendARequestWithABodyAgainWhenTheHolderClosesTheConnectionUnderIt() throws Exception {
        holdOnPeer("closing", "gw-b", "127.0.0.1:" + peer.actualPort());

        Visitor.Reply reply = visitor.send(
                HttpMethod.POST,
                host("closing"),
                "/closed-once",
                MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("sent once at most"));

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("gateway-unreachable");
        assertThat(reply.text())
                .as("gateway ids and internal addresses stay in the logs")
                .doesNotContain("gw-b")
                .doesNotContain("127.0.0.1");
        assertThat(peerRequests)
                .as("a body that may have been taken is never sent twice")
                .hasSize(1);
    }

    @Test
    void answersAgentOfflineWhenTheHoldingInstanceIsGone() throws Exception {
        String route = new Route("gw-dead", "s-1", "client-1", "agent-1").toJson();
        set("porthole:route:http:{orphan}", route);
        Visitor.Reply reply = visitor.get(host("orphan"), "/");

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("agent-offline");
        assertThat(reply.text()).contains("may reconnect").doesNotContain("gw-dead");
    }

    @Test
    void answersServiceUnavailableWhenTheRegistryCannotAnswer() throws Exception {
        // A key of the wrong type makes Redis fail the lookup, as an unreachable Redis would.
        redis.rpush(List.of("porthole:route:http:{broken}", "not-a-route"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        Visitor.Reply reply = visitor.get(host("broken"), "/");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("registry-unavailable");
        assertThat(reply.header("Retry-After")).isEqualTo("1");
    }

    @Test
    void answersNotFoundWhenNoInstanceHoldsTheTunnel() {
        Visitor.Reply reply = visitor.get(host("nobody-here"), "/");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("tunnel-not-found");
    }

    private void holdOnPeer(String tunnel, String gatewayId, String address) throws Exception {
        set(
                "porthole:route:http:{" + tunnel + "}",
                new Route(gatewayId, "s-" + tunnel, "client-1", "agent-1").toJson());
        set("porthole:gateway:" + gatewayId, address);
    }

    private static MultiMap forwardedBy(String gatewayId) {
        return MultiMap.caseInsensitiveMultiMap()
                .add(ClusterMembership.TOKEN_HEADER, ClusterMember.INTERNAL_TOKEN)
                .add(ClusterMembership.HOP_HEADER, gatewayId);
    }

    /** A CONNECT as another instance sends it, then a message through the stream; returns what came back. */
    private String carry(String target, String source, String message) throws Exception {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.CONNECT)
                .setHost("127.0.0.1")
                .setPort(GatewayPortResource.port())
                .setURI("127.0.0.1:" + GatewayPortResource.port())
                .setHeaders(forwardedBy("gw-b")
                        .add(PeerStreams.STREAM_HEADER, target)
                        .add(PeerStreams.SOURCE_HEADER, source));
        return visitor.call(http -> http.request(options)
                .compose(HttpClientRequest::connect)
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return response.body().map(body -> response.statusCode() + " " + body);
                    }
                    return echo(response.netSocket(), message);
                }));
    }

    /** Writes a message and completes with as many bytes as came back, then closes the socket. */
    private static Future<String> echo(NetSocket socket, String message) {
        Promise<String> echoed = Promise.promise();
        Buffer received = Buffer.buffer();
        socket.handler(data -> {
            received.appendBuffer(data);
            if (received.length() >= message.length()) {
                echoed.tryComplete(received.toString());
                socket.close();
            }
        });
        socket.write(message);
        return echoed.future();
    }

    private void publishPortChange(int port) throws Exception {
        redis.publish("porthole:tcp-ports", String.valueOf(port))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    /** Sends a message on a new connection to the port and reads as many bytes back. */
    private static String exchange(int port, String message) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            byte[] answer = socket.getInputStream().readNBytes(message.length());
            return new String(answer, StandardCharsets.UTF_8);
        }
    }

    private void set(String key, String value) throws Exception {
        redis.set(List.of(key, value, "PX", "60000"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    private String get(String key) throws Exception {
        CompletableFuture<String> value = redis.get(key)
                .map(r -> r == null ? null : r.toString())
                .toCompletionStage()
                .toCompletableFuture();
        return value.get(5, TimeUnit.SECONDS);
    }

    private static String host(String name) {
        return name + ".porthole.test:" + GatewayPortResource.port();
    }

    private record Upgraded(int status, MultiMap headers, String text) {}

    private static String header(HttpRequestHead head, String name) {
        return head.headers().stream()
                .filter(h -> h.name().equalsIgnoreCase(name))
                .map(Header::value)
                .findFirst()
                .orElse(null);
    }
}
