package dev.porthole.gateway.tcp;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A TCP port granted to one client by number is reserved for it ({@code reservation:tcp:<port>},
 * written by auth-service): no other client takes it, by number or from the range, while its
 * client is away (issue 16.9).
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TcpRangeResource.class)
class GrantedPortReservationTest {

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    PortListeners listeners;

    private static TunnelRequest tcp(int port) {
        return new TunnelRequest(TunnelKind.TCP, "", port, false, "127.0.0.1:5432");
    }

    @Test
    void aPortGrantedToAnotherClientIsRefusedByNumber() {
        int port = TcpRangeResource.last();
        reserve(List.of(port), "port-owner");
        try {
            TestAgent squatter =
                    TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-squatter", List.of(tcp(port)));
            TunnelResult result = squatter.awaitWelcome().tunnels().getFirst();
            assertThat(result.status())
                    .as("a port granted to client 'port-owner', asked for by another")
                    .isEqualTo(TunnelResult.FORBIDDEN);
            assertThat(result.message()).contains("TCP port " + port + " is granted to another client");
            squatter.close();
        } finally {
            release(List.of(port));
        }
    }

    @Test
    void randomAllocationSkipsPortsGrantedToOthers() {
        List<Integer> reserved = new ArrayList<>();
        for (int port = TcpRangeResource.first(); port < TcpRangeResource.last(); port++) {
            reserved.add(port);
        }
        reserve(reserved, "port-owner");
        try {
            for (int i = 0; i < 3; i++) {
                TestAgent agent = TestAgent.connect(
                        vertx, GatewayPortResource.port(), TOKEN, "agent-range-" + i, List.of(tcp(0)));
                TunnelResult result = agent.awaitWelcome().tunnels().getFirst();
                assertThat(result.port())
                        .as("the only port of the range granted to nobody")
                        .isEqualTo(TcpRangeResource.last());
                agent.close();
                await().until(() -> !listeners.isBound(TcpRangeResource.last())
                        && join(redis.exists(List.of("porthole:route:tcp:{tcp:" + TcpRangeResource.last() + "}")))
                                        .toInteger()
                                == 0);
            }
        } finally {
            release(reserved);
        }
    }

    private void reserve(List<Integer> ports, String clientId) {
        ports.forEach(port -> join(redis.set(List.of("porthole:reservation:{tcp:" + port + "}", clientId))));
    }

    private void release(List<Integer> ports) {
        ports.forEach(port -> join(redis.del(List.of("porthole:reservation:{tcp:" + port + "}"))));
    }

    private static <T> T join(io.vertx.core.Future<T> future) {
        return future.toCompletionStage()
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
    }
}
