package dev.porthole.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway that is stopping refuses the handshake with {@code 503 draining}: the agent tries again
 * within half a second (through a load balancer that reaches another gateway) instead of waiting
 * out its back-off, which other refusals still get.
 */
class DrainingRefusalTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void retriesAtOnceWhenTheGatewayIsDrainingAndBacksOffOtherwise() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        int port = vertx.createHttpServer()
                .requestHandler(request -> {
                    boolean draining = attempts.incrementAndGet() == 1;
                    if (draining) {
                        request.response()
                                .putHeader("X-Porthole-Error", "draining")
                                .putHeader("Retry-After", "0");
                    }
                    request.response().setStatusCode(503).end(draining ? "This gateway is shutting down." : "Busy.");
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();

        CompletableFuture<Duration> afterDraining = new CompletableFuture<>();
        CompletableFuture<Duration> afterOther = new CompletableFuture<>();
        AgentSettings settings = AgentSettings.of(URI.create("http://127.0.0.1:" + port), "agent-draining", draft -> {
            draft.tunnels =
                    List.of(new TunnelSpec(TunnelKind.HTTP, "app", 0, false, new UpstreamAddress("127.0.0.1", 1)));
            draft.upstreamTimeout = Duration.ofSeconds(5);
            draft.maxUpstreamConnections = 1;
            draft.maxReconnectDelay = Duration.ofSeconds(60);
        });
        TunnelClient client = new TunnelClient(
                vertx,
                settings,
                (stream, open, tunnel) -> {},
                new TunnelListener() {
                    @Override
                    public void connected(List<TunnelResult> results, boolean first) {}

                    @Override
                    public void notice(Notice notice) {}

                    @Override
                    public void retrying(String reason, Duration retryIn) {
                        (reason.contains("shutting down") ? afterDraining : afterOther).complete(retryIn);
                    }
                },
                new Backoff(
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(30),
                        new AlwaysHighest(),
                        Clock.systemUTC()),
                "test");
        client.start();

        assertThat(afterDraining.get(10, TimeUnit.SECONDS))
                .as("after a draining gateway's refusal")
                .isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(afterOther.get(10, TimeUnit.SECONDS))
                .as("after any other 503: the back-off")
                .isGreaterThan(Duration.ofSeconds(5));
        client.stop();
    }

    /** Makes every back-off delay its ceiling, so that the test knows it. */
    private static final class AlwaysHighest implements RandomGenerator {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    }
}
