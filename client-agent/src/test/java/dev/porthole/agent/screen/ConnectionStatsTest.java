package dev.porthole.agent.screen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The connection counters: totals, rates over one and five minutes, percentiles over a bounded window. */
class ConnectionStatsTest {

    private Instant now = Instant.parse("2026-12-06T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final ConnectionStats stats = new ConnectionStats(clock);

    @Test
    void countsTotalAndOpenStreams() {
        stats.opened();
        stats.opened();
        stats.closed(Duration.ofMillis(10));
        ScreenModel.Connections snapshot = stats.snapshot();
        assertThat(snapshot.total()).isEqualTo(2);
        assertThat(snapshot.open()).isEqualTo(1);
        assertThat(snapshot.p50()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void ratesCoverTheLastMinuteAndTheLastFiveMinutes() {
        for (int i = 0; i < 60; i++) {
            stats.opened();
        }
        now = now.plusSeconds(120);
        for (int i = 0; i < 30; i++) {
            stats.opened();
        }
        ScreenModel.Connections snapshot = stats.snapshot();
        assertThat(snapshot.rate1()).isEqualTo(0.5);
        assertThat(snapshot.rate5()).isEqualTo(90 / 300.0);
        now = now.plusSeconds(300);
        assertThat(stats.snapshot().rate5()).isZero();
        assertThat(stats.snapshot().total()).isEqualTo(90);
    }

    @Test
    void percentilesAreOfTheLastThousandClosedStreamsOnly() {
        for (int i = 1; i <= 100; i++) {
            stats.opened();
            stats.closed(Duration.ofMillis(i));
        }
        assertThat(stats.snapshot().p50()).isEqualTo(Duration.ofMillis(50));
        assertThat(stats.snapshot().p90()).isEqualTo(Duration.ofMillis(90));
        for (int i = 0; i < ConnectionStats.DURATIONS; i++) {
            stats.opened();
            stats.closed(Duration.ofSeconds(5));
        }
        assertThat(stats.snapshot().p50()).isEqualTo(Duration.ofSeconds(5));
        assertThat(stats.snapshot().p90()).isEqualTo(Duration.ofSeconds(5));
    }
}
