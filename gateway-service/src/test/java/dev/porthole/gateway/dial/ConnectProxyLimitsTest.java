package dev.porthole.gateway.dial;

import static dev.porthole.gateway.dial.ProxyVisitor.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CONNECT holds a stream slot of the private tunnel, as a dial does, until it closes, and is
 * closed when quiet for the TCP tunnels' idle timeout.
 */
@QuarkusTest
@TestProfile(ConnectProxyLimitsTest.OneStream.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class ConnectProxyLimitsTest {

    public static final class OneStream extends GatewayTestProfiles.Overrides {
        public OneStream() {
            super("""
                    porthole.gateway.limits.streams-per-tunnel=1
                    porthole.gateway.tcp.idle-timeout=3s
                    """);
        }
    }

    @Inject
    Vertx vertx;

    private static ProxyVisitor connect() throws IOException {
        return ProxyVisitor.connect(
                new Socket("127.0.0.1", GatewayPortResource.port()), "db:5432", bearer(ConnectProxyTest.TOKEN));
    }

    private TestAgent publish() {
        TestAgent publisher = TestAgent.connect(
                        vertx,
                        GatewayPortResource.port(),
                        "Bearer " + ConnectProxyTest.TOKEN,
                        "agent-db",
                        List.of(new TunnelRequest(TunnelKind.TCP, "db", 0, true, "127.0.0.1:5432")))
                .serving(ConnectProxyTest.ECHO);
        assertThat(publisher.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        return publisher;
    }

    @Test
    void aConnectBeyondTheTunnelsStreamLimitIsRefusedUntilOneCloses() throws Exception {
        TestAgent publisher = publish();
        try (ProxyVisitor first = connect()) {
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.echo("holding")).isEqualTo("holding");
            try (ProxyVisitor second = connect()) {
                assertThat(second.status()).isEqualTo(503);
                assertThat(second.rest()).contains("private tunnel 'db' has 1 connections open, its limit");
            }
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (ProxyVisitor again = connect()) {
                assertThat(again.status()).as("the slot is given back").isEqualTo(200);
            }
        });
        publisher.close();
    }

    @Test
    void aQuietConnectIsClosedAfterTheTcpIdleTimeout() throws Exception {
        TestAgent publisher = publish();
        try (ProxyVisitor visitor = connect()) {
            assertThat(visitor.status()).isEqualTo(200);
            assertThat(visitor.echo("then quiet")).isEqualTo("then quiet");
            long start = System.nanoTime();
            assertThat(visitor.socket().getInputStream().read())
                    .as("closed by the gateway")
                    .isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(9));
        }
        publisher.close();
    }
}
