package dev.porthole.gateway.ingress;

import static dev.porthole.gateway.support.RawH2Connection.DATA;
import static dev.porthole.gateway.support.RawH2Connection.END_STREAM;
import static dev.porthole.gateway.support.RawH2Connection.GOAWAY;
import static dev.porthole.gateway.support.RawH2Connection.HEADERS;
import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.RawH2Connection;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A draining gateway tells a busy HTTP/2 visitor to move on with GOAWAY (NO_ERROR) at once, as
 * {@code Connection: close} tells an HTTP/1.1 one, and still finishes the stream in flight. A
 * profile of its own: draining a listener cannot be undone, so the application must not be shared.
 */
@QuarkusTest
@TestProfile(DrainingHttp2VisitorTest.Draining.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class DrainingHttp2VisitorTest {

    /** A gateway of its own, drained by the test. */
    public static final class Draining extends GatewayTestProfiles.Overrides {
        public Draining() {
            super("porthole.gateway.heartbeat.timeout=15s");
        }
    }

    @Inject
    Vertx vertx;

    @Inject
    PublicHttpServer server;

    private TestAgent agent;

    @BeforeEach
    void connect() {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-drain-h2", "drain-h2", TestAgent.WITH_TRAILERS);
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
    }

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
    }

    @Test
    void sendsGoAwayToABusyHttp2VisitorAndFinishesItsStream() throws Exception {
        CompletableFuture<Runnable> answer = new CompletableFuture<>();
        agent.serving((stream, open) -> {
            Context context = Vertx.currentContext();
            stream.handler(data -> {});
            answer.complete(() -> context.runOnContext(ignored -> {
                stream.respond(new HttpResponseHead(200, "", List.of(new Header("Content-Length", "4"))));
                stream.end(Buffer.buffer("done"));
            }));
        });
        try (RawH2Connection visitor = RawH2Connection.open(GatewayPortResource.port())) {
            visitor.request(1, "GET", "drain-h2.porthole.test:" + GatewayPortResource.port(), "/slow", Map.of(), true);
            Runnable respond = answer.get(10, TimeUnit.SECONDS);

            // A grace far longer than the test: what the visitor sees comes from the drain itself, not from an idle
            // close.
            server.closeIdleConnections(Duration.ofSeconds(60));

            await("GOAWAY while stream 1 is in flight")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !visitor.frames(GOAWAY).isEmpty());
            RawH2Connection.Frame goAway = visitor.frames(GOAWAY).getFirst();
            assertThat(goAway.errorCode()).as("NO_ERROR").isZero();
            assertThat(ByteBuffer.wrap(goAway.payload()).getInt(0))
                    .as("the last stream the gateway will serve")
                    .isEqualTo(1);
            assertThat(visitor.frames(HEADERS))
                    .as("stream 1 is not answered yet")
                    .isEmpty();

            respond.run();
            await("stream 1 answered in full after the GOAWAY")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> visitor.frames(DATA).stream()
                            .anyMatch(frame -> frame.stream() == 1 && (frame.flags() & END_STREAM) != 0));
            assertThat(visitor.frames(HEADERS))
                    .singleElement()
                    .satisfies(headers -> assertThat(headers.stream()).isEqualTo(1));
        }
    }
}
