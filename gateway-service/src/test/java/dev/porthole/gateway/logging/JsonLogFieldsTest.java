package dev.porthole.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.logging.json.runtime.JsonFormatter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's log lines about a session carry the client id and tunnel name as JSON fields. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class JsonLogFieldsTest {

    private static final Logger GATEWAY = Logger.getLogger("dev.porthole.gateway");

    @Inject
    Vertx vertx;

    private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext) {
                ext.copyAll();
                records.add(ext);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        GATEWAY.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        GATEWAY.removeHandler(capture);
    }

    @Test
    void agentConnectedAndDisconnectedLinesCarryClientAndTunnel() throws Exception {
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                "Bearer test-token-0123456789",
                "agent-logged",
                List.of(TunnelRequest.http("logged", "x:1")));
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        TestAgent.closeAndAwait(agent);

        JsonNode connected = json(await().atMost(Duration.ofSeconds(5))
                .until(() -> line("agent connected"), Optional::isPresent)
                .get());
        assertThat(connected.path("mdc").path("client").asText()).isEqualTo("token-1");
        assertThat(connected.path("mdc").path("tunnel").asText()).isEqualTo("logged");
        assertThat(connected.path("message").asText()).contains("agent connected");

        JsonNode disconnected = json(await().atMost(Duration.ofSeconds(5))
                .until(() -> line("agent disconnected"), Optional::isPresent)
                .get());
        assertThat(disconnected.path("mdc").path("client").asText()).isEqualTo("token-1");
        assertThat(disconnected.path("mdc").has("tunnel")).isFalse();
    }

    private Optional<ExtLogRecord> line(String prefix) {
        // Only this test's records are captured, and only its agent connects meanwhile.
        return records.stream()
                .filter(r -> r.getFormattedMessage().startsWith(prefix))
                .findFirst();
    }

    private static JsonNode json(ExtLogRecord record) throws Exception {
        return new ObjectMapper().readTree(new JsonFormatter().format(record));
    }

    /**
     * An agent session's context lives as long as its connection: a logged line must not leave the
     * MDC's maps in its local data (about 450 bytes of every idle session). Here, where Quarkus keeps
     * the MDC in the Vert.x context, as in the running gateway.
     */
    @Test
    void onAVertxContextTheFieldsAreSeenInsideAndTheContextKeepsNothing() throws Exception {
        ContextInternal session = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
        CompletableFuture<String> seen = new CompletableFuture<>();
        session.runOnContext(ignored -> {
            try {
                StringBuilder inside = new StringBuilder();
                try (LogFields outer = LogFields.of("c1", "t1")) {
                    inside.append(MDC.get(LogFields.CLIENT)).append('/').append(MDC.get(LogFields.TUNNEL));
                    try (LogFields inner = LogFields.client("c2")) {
                        inside.append(' ').append(MDC.get(LogFields.CLIENT));
                    }
                    inside.append(' ').append(MDC.get(LogFields.CLIENT));
                }
                inside.append(Vertx.currentContext() == session ? ", the same context" : ", another context");
                inside.append(session.localContextData().isEmpty() ? ", no local data" : ", local data left");
                seen.complete(inside.toString());
            } catch (RuntimeException e) {
                seen.completeExceptionally(e);
            }
        });
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("c1/t1 c2 c1, the same context, no local data");
    }
}
