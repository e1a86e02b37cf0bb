package dev.porthole.gateway.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Public (token-less) sessions: no TCP port, no private tunnel, and every dial refused. */
@QuarkusTest
@TestProfile(GatewayTestProfiles.PublicMode.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TcpRangeResource.class)
class PublicSessionTcpTest {

    @Inject
    Vertx vertx;

    @Test
    void aPublicSessionMayNotOpenTcpOrPrivateTunnels() {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                null,
                "agent-public-tcp",
                List.of(
                        new TunnelRequest(TunnelKind.TCP, "", 0, false, "127.0.0.1:22"),
                        new TunnelRequest(TunnelKind.TCP, "db", 0, true, "127.0.0.1:5432"),
                        TunnelRequest.http("", "127.0.0.1:3000")));
        List<TunnelResult> results = agent.awaitWelcome().tunnels();
        assertThat(results.get(0).status()).isEqualTo(TunnelResult.FORBIDDEN);
        assertThat(results.get(0).message()).contains("public sessions may not open TCP tunnels");
        assertThat(results.get(1).status()).isEqualTo(TunnelResult.FORBIDDEN);
        assertThat(results.get(1).message()).contains("public sessions may not publish private tunnels");
        assertThat(results.get(2).granted()).isTrue();
        agent.close();
    }

    @Test
    void everyDialOfAPublicSessionIsRefused() throws Exception {
        TestAgent agent = TestAgent.connect(vertx, GatewayPortResource.port(), null, "agent-public-dial", List.of());
        agent.awaitWelcome();
        for (int i = 0; i < 2; i++) {
            MuxStream stream = agent.dial("db");
            CompletableFuture<Throwable> reset = new CompletableFuture<>();
            stream.exceptionHandler(reset::complete);
            assertThat(reset.get(5, TimeUnit.SECONDS)).hasMessageContaining("may not dial private tunnel 'db'");
        }
        agent.close();
    }
}
