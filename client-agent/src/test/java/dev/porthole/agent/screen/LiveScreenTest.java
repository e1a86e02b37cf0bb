package dev.porthole.agent.screen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The events of a run as the status screen shows them. */
class LiveScreenTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);
    private final LiveScreen screen = new LiveScreen(
            "1.0",
            "agent-1",
            "http://gw:8080",
            List.of(
                    new TunnelSpec(TunnelKind.HTTP, "", 0, false, UpstreamAddress.parse("3000")),
                    new TunnelSpec(TunnelKind.TCP, "", 0, false, UpstreamAddress.parse("22"))),
            null,
            clock);

    @Test
    void forwardingLinesFollowTheGatewaysAnswer() {
        assertThat(screen.model().forwarding())
                .extracting(ScreenModel.Forwarding::from)
                .containsExactly("(waiting for the gateway)", "(waiting for the gateway)");
        screen.connected(
                List.of(
                        TunnelResult.granted(TunnelKind.HTTP, "app", 0, "http://app.gw:8080"),
                        new TunnelResult(TunnelKind.TCP, "", 0, "", TunnelResult.CONFLICT, "no free port")),
                true);
        ScreenModel model = screen.model();
        assertThat(model.state()).isEqualTo("online");
        assertThat(model.forwarding())
                .containsExactly(
                        new ScreenModel.Forwarding("http://app.gw:8080", "127.0.0.1:3000"),
                        new ScreenModel.Forwarding("'tcp, any port' refused", "127.0.0.1:22"));
        assertThat(model.message()).isEqualTo("tunnel 'tcp, any port' refused (409): no free port");
    }

    @Test
    void aFailedAttemptShowsItsNumberAndTheNextDelay() {
        screen.retrying("cannot reach the gateway", Duration.ofMillis(1500));
        screen.retrying("cannot reach the gateway", Duration.ofMillis(2500));
        assertThat(screen.model().state()).isEqualTo("connecting (attempt 2 failed; next in 2.5 s)");
        screen.connected(List.of(), true);
        screen.retrying("connection lost: bye", Duration.ofMillis(600));
        assertThat(screen.model().state()).isEqualTo("reconnecting (attempt 1 failed; next in 600 ms)");
        assertThat(screen.model().message()).isEqualTo("connection lost: bye");
    }

    @Test
    void aWelcomeThatGrantsNothingCountsAsAFailedAttempt() {
        screen.retrying("cannot reach the gateway", Duration.ofMillis(300));
        // Held back next to a refusal for now only: the gateway closes with TRY_AGAIN_LATER and the agent tries again.
        screen.connected(
                List.of(
                        new TunnelResult(
                                TunnelKind.HTTP, "", 0, "", TunnelResult.UNAVAILABLE, "held back: a free TCP port ..."),
                        new TunnelResult(TunnelKind.TCP, "", 0, "", TunnelResult.UNAVAILABLE, "no free TCP port")),
                true);
        assertThat(screen.model().state()).startsWith("connecting (attempt 1 failed");
        screen.retrying("the gateway asks to try again later: a free TCP port ...", Duration.ofMillis(900));
        assertThat(screen.model().state()).isEqualTo("connecting (attempt 2 failed; next in 900 ms)");
        assertThat(screen.model().message()).isEqualTo("the gateway asks to try again later: a free TCP port ...");
    }

    @Test
    void keepsTheLastRequestsNewestFirstAndShowsLatencyAndInstance() {
        for (int i = 0; i < LiveScreen.MAX_REQUESTS + 5; i++) {
            screen.completed("app", "GET", "/" + i, 200, Duration.ofMillis(i));
        }
        screen.follow(() -> Optional.of(Duration.ofMillis(7)), () -> "gw-a");
        ScreenModel model = screen.model();
        assertThat(model.requests()).hasSize(LiveScreen.MAX_REQUESTS);
        assertThat(model.requests().getFirst().uri()).isEqualTo("/" + (LiveScreen.MAX_REQUESTS + 4));
        assertThat(model.latency()).isEqualTo(Duration.ofMillis(7));
        assertThat(model.gateway()).isEqualTo("http://gw:8080 (instance gw-a)");
    }
}
