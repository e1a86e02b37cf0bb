package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.tunnel.AgentExit;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code porthole status} against a real local HTTP answer, and with nobody listening. */
@QuarkusMainTest
class StatusCommandTest {

    @Test
    void printsTheTunnelsCountsAndLastErrors(QuarkusMainLauncher launcher) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer agent = vertx.createHttpServer()
                    .requestHandler(request -> request.response().end("""
                    {"agentId":"agent-1","server":"http://gw:8080","state":"connected","connectedSince":"2026-11-30T00:00:00Z",
                     "reconnects":2,"tunnels":[{"name":"web","type":"http","state":"serving","address":"http://web.gw","upstream":"127.0.0.1:3000",
                     "requests":7,"failedRequests":1}],"errors":[{"at":"2026-11-30T00:00:01Z","message":"connection lost"}]}
                    """))
                    .listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            LaunchResult result = launcher.launch("status", "--inspect-address", "127.0.0.1:" + agent.actualPort());
            assertThat(result.exitCode()).isZero();
            assertThat(result.getOutput())
                    .contains("agent agent-1: connected to http://gw:8080 since 2026-11-30T00:00:00Z, 2 reconnects")
                    .containsPattern("NAME +TYPE +STATE +ADDRESS +UPSTREAM +REQUESTS +FAILED")
                    .containsPattern("web +http +serving +http://web.gw +127.0.0.1:3000 +7 +1")
                    .contains("last errors:")
                    .contains("connection lost");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void saysSoWhenNoAgentAnswers(QuarkusMainLauncher launcher) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        LaunchResult result = launcher.launch("status", "--inspect-address", "127.0.0.1:" + closed);
        assertThat(result.exitCode()).isEqualTo(AgentExit.UNREACHABLE);
        assertThat(result.getErrorOutput()).contains("no agent answers at 127.0.0.1:" + closed);
    }
}
