package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.Tmux;
import dev.porthole.testing.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent in a real terminal (tmux): the live status screen shows the session, the forwarding
 * line, the counters and the requests, follows traffic and a resize; with standard output piped
 * the same agent prints log lines only.
 */
class TerminalScreenIT {

    private static final Duration SCREEN_TIMEOUT = Duration.ofSeconds(60);
    private static final String TOKEN = "e2e-token-0123456789";
    private static PortholeSystem system;
    private static Tmux terminal;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("TerminalScreenIT")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .startGateway()
                .startUpstream();
        List<String> agent =
                ServiceProcess.command("client-agent", List.of("-Xmx128m"), httpAgent("screen", "--token", TOKEN));
        terminal = Tmux.start("agent-screen", 100, 30, agent, system.logDir());
    }

    @AfterAll
    static void stop() {
        if (terminal != null) {
            terminal.close();
        }
        system.close();
    }

    @Test
    void theScreenFollowsRequestsAndRedrawsToANewWidth() {
        String url = "http://screen.porthole.test:" + system.gatewayPort();
        await().atMost(SCREEN_TIMEOUT)
                .untilAsserted(() -> assertThat(terminal.screen())
                        .contains(
                                "Session Status    online",
                                "Forwarding        " + url + " -> 127.0.0.1:" + system.upstreamPort(),
                                "-".repeat(100)));
        assertThat(terminal.screen())
                .anyMatch(line -> line.startsWith("Porthole ") && line.endsWith("(Ctrl+C to quit)"))
                .contains("Connections       ttl     opn     rt1     rt5     p50     p90")
                .noneMatch(line -> line.contains("\u001b"));
        await().atMost(SCREEN_TIMEOUT)
                .untilAsserted(() -> assertThat(terminal.screen()).anyMatch(line -> line.matches("Latency +\\d+ ms")));

        for (int i = 1; i <= 3; i++) {
            assertThat(Http.getByHost(system, "screen", "/hello?n=" + i).statusCode())
                    .isEqualTo(200);
        }
        await().atMost(SCREEN_TIMEOUT).untilAsserted(() -> {
            List<String> screen = terminal.screen();
            assertThat(screen)
                    .anyMatch(line -> line.matches(" {18}3 +0 +\\d+\\.\\d\\d +\\d+\\.\\d\\d +\\d+ ms +\\d+ ms"));
            assertThat(screen).anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d  GET +/hello\\?n=3 +200  \\d+ ms"));
            assertThat(screen).anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d  GET +/hello\\?n=1 +200  \\d+ ms"));
        });

        terminal.resize(60, 24);
        await().atMost(SCREEN_TIMEOUT).untilAsserted(() -> {
            List<String> screen = terminal.screen();
            assertThat(screen).contains("-".repeat(60)).allMatch(line -> line.length() <= 60);
            assertThat(screen).anyMatch(line -> line.startsWith("Porthole ") && line.endsWith("(Ctrl+C to quit)"));
            assertThat(screen).anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d  GET +/hello\\?n=3 +200  \\d+ ms"));
        });
    }

    /** {@code porthole http} exposing the demo upstream as {@code <subdomain>}, without the inspector, then {@code more}. */
    private static List<String> httpAgent(String subdomain, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "http",
                String.valueOf(system.upstreamPort()),
                "--server",
                system.gatewayUrl(""),
                "--subdomain",
                subdomain,
                "--no-inspect"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void withOutputPipedTheAgentPrintsLogLinesOnly() {
        ServiceProcess piped = system.launchAgent("agent-piped", httpAgent("piped"), Map.of("TOKEN", TOKEN));
        assertThat(piped.awaitFirstLine(PortholeSystem.START_TIMEOUT))
                .isEqualTo("http://piped.porthole.test:" + system.gatewayPort());
        assertThat(Http.getByHost(system, "piped", "/hello?piped").statusCode()).isEqualTo(200);
        piped.awaitLog(line -> line.contains("GET /hello?piped 200"), SCREEN_TIMEOUT);
        piped.stop();
        assertThat(piped.stdout()).containsExactly("http://piped.porthole.test:" + system.gatewayPort());
        assertThat(piped.stderr()).noneMatch(line -> line.contains("\u001b") || line.contains("Session Status"));
    }
}
