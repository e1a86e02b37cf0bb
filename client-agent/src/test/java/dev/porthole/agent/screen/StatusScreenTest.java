package dev.porthole.agent.screen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The screen's layout: every value in its place, nothing wider than the terminal, nothing below it. */
class StatusScreenTest {

    private static ScreenModel model(List<ScreenModel.Request> requests) {
        return new ScreenModel(
                "1.2.3",
                "online",
                null,
                "agent-1",
                "http://gw.example:8080 (instance gw-a)",
                Duration.ofMillis(4),
                "http://127.0.0.1:4040",
                List.of(new ScreenModel.Forwarding("http://app.gw.example:8080", "127.0.0.1:3000")),
                new ScreenModel.Connections(12, 1, 0.2, 0.04, Duration.ofMillis(8), Duration.ofMillis(31)),
                requests);
    }

    private static List<ScreenModel.Request> requests(int count) {
        List<ScreenModel.Request> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(new ScreenModel.Request(
                    LocalTime.of(12, 0, i % 60), "GET", "/item/" + i, 200, Duration.ofMillis(3)));
        }
        return requests;
    }

    @Test
    void showsSessionLatencyInspectorForwardingCountersAndRequests() {
        List<String> lines = StatusScreen.lines(model(requests(2)), 100, 40);
        assertThat(lines.getFirst())
                .startsWith("Porthole 1.2.3")
                .endsWith("(Ctrl+C to quit)")
                .hasSize(100);
        assertThat(lines)
                .contains(
                        "Session Status    online",
                        "Client            agent-1",
                        "Gateway           http://gw.example:8080 (instance gw-a)",
                        "Latency           4 ms",
                        "Inspector         http://127.0.0.1:4040",
                        "Forwarding        http://app.gw.example:8080 -> 127.0.0.1:3000",
                        "Connections       ttl     opn     rt1     rt5     p50     p90",
                        "                  12      1       0.20    0.04    8 ms    31 ms",
                        "-".repeat(100));
        assertThat(lines)
                .anyMatch(line -> line.startsWith("12:00:00  GET     /item/0 ")
                        && line.endsWith("  200  3 ms")
                        && line.length() == 100);
    }

    @Test
    void noLineIsWiderThanTheTerminalAndLongValuesEndWithDots() {
        ScreenModel model = model(List.of(
                new ScreenModel.Request(LocalTime.NOON, "POST", "/" + "a".repeat(200), 201, Duration.ofMillis(12))));
        List<String> lines = StatusScreen.lines(model, 40, 40);
        assertThat(lines).allMatch(line -> line.length() <= 40);
        assertThat(lines).contains("Forwarding        http://app.gw.examp...", "-".repeat(40));
        assertThat(lines)
                .anyMatch(line -> line.startsWith("12:00:00  POST    /aaa") && line.endsWith("...  201  12 ms"));
    }

    @Test
    void theRequestListShowsWhatFitsInTheHeightNewestFirst() {
        List<String> lines = StatusScreen.lines(model(requests(50)), 80, 20);
        assertThat(lines).hasSize(20);
        int rule = lines.indexOf("-".repeat(80));
        assertThat(lines.get(rule + 1)).contains("/item/0 ");
        assertThat(lines.getLast()).contains("/item/" + (20 - rule - 2) + " ");
        assertThat(lines).noneMatch(line -> line.contains("/item/" + (20 - rule - 1) + " "));
    }

    @Test
    void aProblemIsShownUnderTheSessionState() {
        ScreenModel problem = new ScreenModel(
                "1",
                "reconnecting (attempt 2 failed; next in 1.5 s)",
                "connection lost: gateway restarting",
                "agent-1",
                "http://gw",
                null,
                "off (--no-inspect)",
                List.of(),
                ScreenModel.Connections.NONE,
                List.of());
        List<String> lines = StatusScreen.lines(problem, 80, 24);
        assertThat(lines)
                .containsSequence(
                        "Session Status    reconnecting (attempt 2 failed; next in 1.5 s)",
                        "Last Error        connection lost: gateway restarting");
        assertThat(lines)
                .contains("Latency           -", "                  0       0       0.00    0.00    -       -");
    }
}
