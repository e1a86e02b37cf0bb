package dev.porthole.gateway.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-tunnel connection limit and idle timeout, with small values from a test profile. */
@QuarkusTest
@TestProfile(TcpLimitsTest.SmallLimits.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TcpRangeResource.class)
class TcpLimitsTest {

    /** Two connections per tunnel, 1 s idle timeout. */
    public static final class SmallLimits extends GatewayTestProfiles.Overrides {
        public SmallLimits() {
            super("""
                    porthole.gateway.tcp.max-connections-per-tunnel=2
                    porthole.gateway.tcp.idle-timeout=1s
                    """);
        }
    }

    @Inject
    Vertx vertx;

    @Inject
    PortListeners listeners;

    @Test
    void aConnectionBeyondTheLimitIsClosedAtOnceAndAnIdleOneAfterTheTimeout() throws Exception {
        TestAgent agent = TestAgent.connect(
                        vertx,
                        GatewayPortResource.port(),
                        "Bearer test-token-0123456789",
                        "agent-limits",
                        List.of(new TunnelRequest(TunnelKind.TCP, "", 0, false, "127.0.0.1:1")))
                .serving((stream, open) -> stream.handler(stream::write));
        int port = agent.awaitWelcome().tunnels().getFirst().port();
        try (Socket first = new Socket("127.0.0.1", port);
                Socket second = new Socket("127.0.0.1", port)) {
            // The gateway's last traffic on the first connection (its echo) comes after this write.
            long firstWritten = System.nanoTime();
            first.getOutputStream().write(1);
            second.getOutputStream().write(2);
            assertThat(first.getInputStream().read()).isEqualTo(1);
            assertThat(second.getInputStream().read()).isEqualTo(2);
            try (Socket third = new Socket("127.0.0.1", port)) {
                third.setSoTimeout(5_000);
                assertThat(readOrReset(third))
                        .as("the third connection is closed")
                        .isEqualTo(-1);
                assertThat(agent.opened)
                        .as("the third connection never reached the agent")
                        .hasSize(2);
            }
            // Both stay silent now: the idle timeout closes them (a clean end of data), and the slots free up.
            first.setSoTimeout(5_000);
            assertThat(readOrReset(first)).isEqualTo(-1);
            // Not before the timeout (a loaded machine may only make it later).
            assertThat(Duration.ofNanos(System.nanoTime() - firstWritten))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> listeners.find(port).orElseThrow().connections() == 0);
        try (Socket again = new Socket("127.0.0.1", port)) {
            again.getOutputStream().write(3);
            assertThat(again.getInputStream().read()).isEqualTo(3);
        }
        agent.close();
    }

    private static int readOrReset(Socket socket) throws java.io.IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketException reset) {
            return -1;
        }
    }
}
