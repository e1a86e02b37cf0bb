package dev.porthole.gateway.cluster;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.ClusterMember;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * One gateway of a cluster, for TCP: it mirrors a port another instance holds and carries its
 * connections there, and serves the streams another instance carries to its own agents.
 */
@QuarkusTest
@TestProfile(ClusterMember.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TcpRangeResource.class)
class ClusterTcpStreamsTest extends StandInPeerFixture {

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
        Visitor.Reply reply = peerConnect(forwardedBy("gw-b").add(PeerStreams.STREAM_HEADER, "tcp:" + port));

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header(PeerStreams.RESET_HEADER)).isEqualTo("NO_SUCH_TUNNEL");
        assertThat(reply.text())
                .contains(
                        "TCP port " + port + " is not served on gateway " + ClusterMember.INSTANCE_ID, "at most once");

        Visitor.Reply unnamed = peerConnect(forwardedBy("gw-b").add(PeerStreams.STREAM_HEADER, "udp:53"));
        assertThat(unnamed.status()).isEqualTo(400);
        assertThat(unnamed.text()).contains("tcp:<port>, private:<name> or tls:<name>");

        Visitor.Reply tls = peerConnect(forwardedBy("gw-b").add(PeerStreams.STREAM_HEADER, "tls:nobody"));
        assertThat(tls.status()).isEqualTo(502);
        assertThat(tls.header(PeerStreams.RESET_HEADER)).isEqualTo("NO_SUCH_TUNNEL");
        assertThat(tls.text())
                .contains(
                        "no agent serves TLS tunnel 'nobody' on gateway " + ClusterMember.INSTANCE_ID, "at most once");

        Visitor.Reply forged = peerConnect(MultiMap.caseInsensitiveMultiMap()
                .add(ClusterMembership.TOKEN_HEADER, "not-the-token")
                .add(PeerStreams.STREAM_HEADER, "tcp:" + port));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.header("X-Porthole-Error")).isEqualTo("forward-refused");
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

    /** A CONNECT to this gateway as another instance sends it to carry a stream, with {@code headers}. */
    private Visitor.Reply peerConnect(MultiMap headers) {
        return visitor.send(
                HttpMethod.CONNECT, "127.0.0.1:" + GatewayPortResource.port(), "127.0.0.1:1", headers, null);
    }
}
