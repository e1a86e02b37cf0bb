package dev.porthole.gateway.dial;

import static dev.porthole.gateway.dial.ProxyVisitor.basic;
import static dev.porthole.gateway.dial.ProxyVisitor.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.ingress.PublicHttpServer;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway as an HTTP proxy ({@code CONNECT name:port}) to private tunnels over plain HTTP: the
 * token in {@code Proxy-Authorization} is checked like an agent's, the dial grant on every CONNECT,
 * and nothing but a private tunnel is ever reached.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(ConnectProxyTest.Clients.class)
class ConnectProxyTest {

    static final String TOKEN = "test-token-0123456789";
    static final String NO_DIAL_TOKEN = "no-dial-token-0123456789";

    /** Echoes every byte and answers FIN with FIN. */
    static final BiConsumer<MuxStream, Open> ECHO = (stream, open) -> {
        stream.handler(stream::write);
        stream.endHandler(ignored -> stream.end());
    };

    /** The test's tokens in a configuration file: the configured ones may dial anything, {@code no-dial} nothing. */
    public static final class Clients implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                Path file = Files.createTempDirectory("porthole-connect").resolve("porthole.yml");
                Files.writeString(file, """
                        tokens: [ "test-token-0123456789", "second-token-0123456789" ]
                        clients:
                          - id: no-dial
                            token: "no-dial-token-0123456789"
                            subdomains: [ "nodial" ]
                        """);
                return Map.of("porthole.gateway.config-file", file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {}
    }

    @Inject
    Vertx vertx;

    @Inject
    PublicHttpServer server;

    private TestAgent publisher;

    @BeforeEach
    void publish() {
        publisher = TestAgent.connect(
                        vertx,
                        GatewayPortResource.port(),
                        "Bearer " + TOKEN,
                        "agent-db",
                        List.of(
                                new TunnelRequest(TunnelKind.TCP, "db", 0, true, "127.0.0.1:5432"),
                                TunnelRequest.http("www", "127.0.0.1:1")))
                .serving(ECHO);
        assertThat(publisher.awaitWelcome().tunnels())
                .allSatisfy(result -> assertThat(result.granted()).isTrue());
    }

    @AfterEach
    void stop() {
        publisher.close();
    }

    private static ProxyVisitor connect(String target, String authorization) throws IOException {
        return ProxyVisitor.connect(new Socket("127.0.0.1", GatewayPortResource.port()), target, authorization);
    }

    @Test
    void refusesACallerWithoutCredentialsAndAsksForThem() throws IOException {
        try (ProxyVisitor visitor = connect("db:5432", null)) {
            assertThat(visitor.status()).as(visitor.head()).isEqualTo(407);
            assertThat(visitor.headers("Proxy-Authenticate"))
                    .containsExactly("Basic realm=\"porthole\"", "Bearer realm=\"porthole\"");
            assertThat(visitor.rest()).contains("Proxy-Authorization");
        }
    }

    @Test
    void refusesAWrongToken() throws IOException {
        try (ProxyVisitor visitor = connect("db:5432", bearer("wrong-token-0123456789"))) {
            assertThat(visitor.status()).as(visitor.head()).isEqualTo(407);
            assertThat(visitor.header("Proxy-Authenticate")).isEqualTo("Basic realm=\"porthole\"");
            assertThat(visitor.rest()).contains("the token was not accepted");
        }
        try (ProxyVisitor visitor = connect("db:5432", basic("x", "wrong-token-0123456789"))) {
            assertThat(visitor.status()).as(visitor.head()).isEqualTo(407);
        }
    }

    @Test
    void refusesAClientWithoutTheDialGrant() throws IOException {
        try (ProxyVisitor visitor = connect("db:5432", basic("x", NO_DIAL_TOKEN))) {
            assertThat(visitor.status()).as(visitor.head()).isEqualTo(403);
            assertThat(visitor.rest()).contains("client 'no-dial' may not dial private tunnel 'db'");
        }
    }

    @Test
    void carriesBytesBothWaysToThePrivateTunnelWithABearerOrABasicToken() throws IOException {
        try (ProxyVisitor visitor = connect("db:5432", bearer(TOKEN))) {
            assertThat(visitor.status()).as(visitor.head()).isEqualTo(200);
            assertThat(visitor.exchange("through the proxy")).isEqualTo("through the proxy");
        }
        try (ProxyVisitor visitor = connect("DB:1", basic("anyone", TOKEN))) {
            assertThat(visitor.status()).as("any port, any case").isEqualTo(200);
            assertThat(visitor.echo("first")).isEqualTo("first");
            assertThat(visitor.echo("second")).isEqualTo("second");
        }
    }

    @Test
    void aClosedProxiedConnectionIsNoLongerCountedForTheDrain() throws IOException {
        await("the earlier tests' connections closed and uncounted").until(() -> server.visitorConnections() == 0);
        try (ProxyVisitor visitor = connect("db:5432", bearer(TOKEN))) {
            assertThat(visitor.status()).as(visitor.head()).isEqualTo(200);
            assertThat(visitor.exchange("counted?")).isEqualTo("counted?");
        }
        // A draining gateway waits for this count to reach zero: a connection it kept would hold every
        // shutdown for the whole drain timeout.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(server.visitorConnections())
                        .as("visitor connections open after the CONNECT's connection closed")
                        .isZero());
    }

    @Test
    void reachesNothingButAPrivateTunnel() throws IOException {
        for (String target : List.of("example.com:443", "127.0.0.1:6379", "[::1]:22")) {
            try (ProxyVisitor visitor = connect(target, bearer(TOKEN))) {
                assertThat(visitor.status()).as(target).isEqualTo(403);
                assertThat(visitor.rest()).as(target).contains("not an open proxy");
            }
        }
        try (ProxyVisitor visitor = connect("www:80", bearer(TOKEN))) {
            assertThat(visitor.status()).as("a public HTTP tunnel").isEqualTo(403);
            assertThat(visitor.rest()).contains("'www' is not a private tunnel");
        }
    }

    @Test
    void answersAnUnknownTunnelAndABadTargetClearly() throws IOException {
        try (ProxyVisitor visitor = connect("nobody:5432", bearer(TOKEN))) {
            assertThat(visitor.status()).isEqualTo(404);
            assertThat(visitor.rest()).contains("no agent publishes private tunnel 'nobody'");
        }
        for (String target : List.of("db", "db:", "db:0", "db:70000", "db:x")) {
            try (ProxyVisitor visitor = connect(target, bearer(TOKEN))) {
                assertThat(visitor.status()).as(target).isEqualTo(400);
                assertThat(visitor.rest()).as(target).contains("<private tunnel name>:<port>");
            }
        }
    }
}
