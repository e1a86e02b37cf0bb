package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Standard output carries the public addresses, one per line: the first, and each new one after a reconnect. */
class ConsoleReporterTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ConsoleReporter reporter = new ConsoleReporter(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    @Test
    void aReconnectAtTheSameAddressPrintsNothingMore() {
        reporter.connected(List.of(http("calm-otter-abcde")), true);
        reporter.connected(List.of(http("calm-otter-abcde")), false);
        assertThat(lines()).containsExactly("http://calm-otter-abcde.porthole.test");
    }

    @Test
    void aReconnectUnderANewNamePrintsTheNewAddress() {
        reporter.connected(List.of(http("calm-otter-abcde")), true);
        reporter.connected(List.of(http("brave-heron-fghjk")), false);
        assertThat(lines())
                .containsExactly("http://calm-otter-abcde.porthole.test", "http://brave-heron-fghjk.porthole.test");
    }

    @Test
    void aFailedAttemptIsLoggedWithItsNumberAndTheNextDelay() {
        assertThat(ConsoleReporter.retryLine("connection lost: gone", 3, Duration.ofMillis(2150)))
                .isEqualTo("connection lost: gone; attempt 3 failed, retrying in 2.2 s");
    }

    @Test
    void aWaitUnderASecondIsGivenInMillisecondsNotAsZeroSeconds() {
        assertThat(ConsoleReporter.retryLine("cannot reach the gateway", 1, Duration.ofMillis(37)))
                .isEqualTo("cannot reach the gateway; attempt 1 failed, retrying in 37 ms");
    }

    @Test
    void aRefusalTheAgentRetriesIsLoggedSinceNoExitLinePrintsIt() {
        TunnelResult unavailable = new TunnelResult(
                TunnelKind.HTTP, "web", 0, "", TunnelResult.UNAVAILABLE, "the tunnel registry (Redis) is unavailable");
        assertThat(ConsoleReporter.firstRefusalLeftToTheExit(List.of(unavailable)))
                .as("503: the agent retries, so the reason is logged")
                .isEqualTo(-1);
    }

    @Test
    void aWelcomeThatGrantsNothingDoesNotStartTheAttemptCountAgain() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() == Level.WARNING.intValue()) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger log = Logger.getLogger(ConsoleReporter.class.getName());
        log.addHandler(capture);
        try {
            reporter.retrying("cannot reach the gateway", Duration.ofMillis(100));
            // Held back next to a refusal for now only: the gateway closes with TRY_AGAIN_LATER, the agent tries again.
            reporter.connected(
                    List.of(new TunnelResult(
                            TunnelKind.HTTP, "web", 0, "", TunnelResult.UNAVAILABLE, "held back: a free TCP port ...")),
                    true);
            reporter.retrying("the gateway asks to try again later", Duration.ofMillis(200));
            reporter.connected(List.of(http("web")), true);
            reporter.retrying("connection lost: bye", Duration.ofMillis(300));
        } finally {
            log.removeHandler(capture);
        }
        assertThat(warnings)
                .containsExactly(
                        "cannot reach the gateway; attempt 1 failed, retrying in 100 ms",
                        "the gateway asks to try again later; attempt 2 failed, retrying in 200 ms",
                        "connection lost: bye; attempt 1 failed, retrying in 300 ms");
        assertThat(lines()).as("no address printed for a tunnel held back").containsExactly("http://web.porthole.test");
    }

    @Test
    void aFinalRefusalIsLeftToTheExitLineAlone() {
        TunnelResult taken =
                new TunnelResult(TunnelKind.HTTP, "web", 0, "", 409, "subdomain 'web' is held by another client");
        assertThat(ConsoleReporter.firstRefusalLeftToTheExit(List.of(http("other"), taken)))
                .as("something granted: every refusal logged")
                .isEqualTo(-1);
        assertThat(ConsoleReporter.firstRefusalLeftToTheExit(List.of(taken))).isZero();
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static TunnelResult http(String name) {
        return TunnelResult.granted(TunnelKind.HTTP, name, 0, "http://" + name + ".porthole.test");
    }
}
