package dev.porthole.gateway.udp;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.Counters;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.UdpRangeResource;
import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.testing.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Public UDP tunnels against a real Redis and real sockets: datagrams go to the agent and its answers
 * back to the visitor; an oversized datagram, a flow beyond the bound and a flow's answer after it
 * expired are dropped and counted; a flood to one tunnel leaves another's datagrams moving.
 */
@QuarkusTest
@TestProfile(GatewayTestProfiles.Udp.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(UdpRangeResource.class)
class UdpTunnelTest {

    @Inject
    Vertx vertx;

    @Inject
    UdpPorts ports;

    @Inject
    MeterRegistry registry;

    private final List<TestAgent> agents = new ArrayList<>();
    private final List<DatagramSocket> visitors = new ArrayList<>();

    @AfterEach
    void closeAll() {
        agents.forEach(TestAgent::close);
        visitors.forEach(DatagramSocket::close);
    }

    /** An agent holding one UDP tunnel whose every datagram it answers with "echo:" and the payload. */
    private int echoTunnel(String agentId) {
        TestAgent agent = connect(agentId);
        agent.datagrams()
                .receiveWith(d -> agent.datagrams()
                        .send(new Datagram(
                                d.flowId(), d.tunnel(), Buffer.buffer("echo:").appendBuffer(d.payload()))));
        return port(agent);
    }

    private TestAgent connect(String agentId) {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                agentId,
                List.of(new TunnelRequest(TunnelKind.UDP, "", 0, false, "127.0.0.1:53")));
        agents.add(agent);
        return agent;
    }

    private static int port(TestAgent agent) {
        TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
        assertThat(result.status()).as(result.message()).isEqualTo(TunnelResult.GRANTED);
        assertThat(result.publicAddress()).startsWith("udp://");
        return result.port();
    }

    private DatagramSocket visitor() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(2000);
        visitors.add(socket);
        return socket;
    }

    private static void send(DatagramSocket socket, int port, byte[] payload) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("127.0.0.1", port)));
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    private double dropped(String reason) {
        return Counters.count(registry, "porthole.gateway.udp.dropped", "reason", reason);
    }

    @Test
    void carriesADatagramToTheAgentAndItsAnswerBack() throws IOException {
        int port = echoTunnel("udp-echo");
        DatagramSocket visitor = visitor();

        send(visitor, port, "ping".getBytes(StandardCharsets.UTF_8));

        assertThat(receive(visitor)).isEqualTo("echo:ping");
    }

    @Test
    void dropsAndCountsADatagramLargerThanTheBound() throws IOException {
        int port = echoTunnel("udp-oversized");
        DatagramSocket visitor = visitor();
        double before = dropped("too-large");

        send(visitor, port, new byte[1025]);
        send(visitor, port, "small".getBytes(StandardCharsets.UTF_8));

        // Datagrams of one visitor arrive in order on loopback: the answer to "small" comes after any answer to the big
        // one.
        assertThat(receive(visitor)).as("the first answer").isEqualTo("echo:small");
        assertThat(dropped("too-large") - before).isEqualTo(1);
    }

    @Test
    void dropsAndCountsAVisitorBeyondTheFlowBound() throws IOException {
        int port = echoTunnel("udp-flows");
        double before = dropped("flows");
        for (int i = 0; i < 4; i++) {
            DatagramSocket visitor = visitor();
            send(visitor, port, ("v" + i).getBytes(StandardCharsets.UTF_8));
            assertThat(receive(visitor)).isEqualTo("echo:v" + i);
        }
        DatagramSocket fifth = visitor();
        fifth.setSoTimeout(300);

        send(fifth, port, "v4".getBytes(StandardCharsets.UTF_8));

        await().until(() -> dropped("flows") - before == 1);
        try {
            receive(fifth);
            throw new AssertionError("the fifth visitor got an answer beyond the flow bound");
        } catch (SocketTimeoutException expected) {
            // Dropped, as it must be.
        }
        assertThat(ports.find(port).orElseThrow().flows()).isEqualTo(4);
    }

    @Test
    void forgetsAFlowAfterItsIdleTimeout() throws IOException {
        int port = echoTunnel("udp-idle");
        DatagramSocket visitor = visitor();
        send(visitor, port, "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(receive(visitor)).isEqualTo("echo:hello");
        assertThat(ports.find(port).orElseThrow().flows()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> ports.find(port).orElseThrow().flows() == 0);

        // A new datagram opens a new flow, answered as before.
        send(visitor, port, "again".getBytes(StandardCharsets.UTF_8));
        assertThat(receive(visitor)).isEqualTo("echo:again");
    }

    @Test
    void aFloodToOneTunnelLeavesAnotherTunnelsDatagramsMoving() throws Exception {
        TestAgent flooded = connect("udp-flooded");
        flooded.datagrams().receiveWith(d -> {});
        int floodedPort = port(flooded);
        int quietPort = echoTunnel("udp-quiet");
        DatagramSocket quiet = visitor();
        AtomicLong answered = new AtomicLong();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    receive(quiet);
                    answered.incrementAndGet();
                }
            } catch (IOException ended) {
                // The socket timed out or closed: no more answers.
            }
        });
        // The flood: 20,000 datagrams a second (100 every 5 ms) to the other tunnel, a hundred times the quiet rate.
        DatagramSocket floodSocket = visitor();
        byte[] junk = new byte[512];
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", floodedPort);
        ScheduledExecutorService flooder = Executors.newSingleThreadScheduledExecutor();
        flooder.scheduleAtFixedRate(
                () -> {
                    try {
                        for (int i = 0; i < 100; i++) {
                            floodSocket.send(new DatagramPacket(junk, junk.length, target));
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                },
                0,
                5,
                TimeUnit.MILLISECONDS);
        // The quiet tunnel's visitor: 400 datagrams at 200 a second, paced by a timer, during the flood.
        int offered = 400;
        AtomicLong sent = new AtomicLong();
        long timer = vertx.setPeriodic(10, id -> {
            try {
                for (int i = 0; i < 2 && sent.get() < offered; i++) {
                    send(quiet, quietPort, ("q" + sent.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> sent.get() >= offered);
        vertx.cancelTimer(timer);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> answered.get() >= offered * 0.9);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Fall through to the assertion, which says what was lost where.
        }
        flooder.shutdownNow();
        reader.join();
        assertThat(answered.get())
                .as(
                        "answers to the quiet tunnel's %d datagrams; flood datagrams at its agent %d; drops: queue-full %s, flows %s, closed %s",
                        offered,
                        flooded.datagrams().received(),
                        dropped("queue-full"),
                        dropped("flows"),
                        dropped("closed"))
                .isGreaterThanOrEqualTo((long) (offered * 0.9));
        assertThat(flooded.datagrams().received())
                .as("the flood reached its agent")
                .isGreaterThan(0);
    }
}
