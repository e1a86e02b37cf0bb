package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.listener.ListenerExample;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.JavaProgram;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.ServiceProcess;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java listener API with real processes: the example program of docs/agent.md
 * ({@link ListenerExample}), a plain {@code main} with the agent library and its dependencies on the
 * class path but no Quarkus runtime and no JUnit, publishes an HTTP tunnel served by a Vert.x
 * handler and a TCP tunnel served with {@code accept()} through a packaged gateway.
 */
class ListenerApiIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "e2e-listener-token-0123456789";

    private static PortholeSystem system;
    private static ServiceProcess program;
    private static String httpUrl;
    private static URI tcpUrl;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("ListenerApiIT");
        system.freeTcpRange(5);
        system.gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN).startGateway();
        List<String> command = JavaProgram.command(
                ListenerExample.class,
                List.of("-Xmx128m"),
                List.of("http://127.0.0.1:" + system.gatewayPort(), TOKEN, "hello"));
        program = system.startProgram("listener-example", command);
        program.awaitLog(line -> line.startsWith("tcp://"), WAIT);
        List<String> printed = program.stdout();
        httpUrl = printed.get(0);
        tcpUrl = URI.create(printed.get(1));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void printsTheTunnelsPublicAddresses() {
        assertThat(httpUrl).isEqualTo("http://hello." + PortholeSystem.DOMAIN + ":" + system.gatewayPort());
        assertThat(tcpUrl.getScheme()).isEqualTo("tcp");
    }

    @Test
    void theHandlerAnswersHttpThroughTheGateway() {
        HttpResponse<String> response = Http.getByHost(system, "hello", "/greeting");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .isEqualTo(
                        "Hello from /greeting via hello." + PortholeSystem.DOMAIN + ":" + system.gatewayPort() + "\n");
    }

    @Test
    void acceptedConnectionsEchoBytesThroughThePublicPort() throws Exception {
        byte[] sent = new byte[1024 * 1024];
        new Random(21).nextBytes(sent);
        try (Socket socket = new Socket("127.0.0.1", tcpUrl.getPort())) {
            socket.setSoTimeout(20_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    socket.getOutputStream().write(sent);
                    socket.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] received = socket.getInputStream().readAllBytes();
            writer.join(Duration.ofSeconds(20));
            assertThat(received).isEqualTo(sent);
        }
        assertThat(program.isAlive()).isTrue();
        // Nothing on the paths it took needs a Quarkus runtime (Quarkus's static Log throws outside one).
        assertThat(program.stderr()).noneMatch(line -> line.contains("UnsupportedOperationException"));
    }
}
