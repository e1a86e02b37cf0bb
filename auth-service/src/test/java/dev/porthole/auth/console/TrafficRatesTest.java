package dev.porthole.auth.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.registry.SessionRecord;
import dev.porthole.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rates between the last two different counter values, and the bound on remembered sessions. */
class TrafficRatesTest {

    private static SessionRecord session(String id, long in, long out) {
        return new SessionRecord(id, "gw", "c", "a", "10.0.0.1", Instant.EPOCH, List.of(), in, out);
    }

    private static SessionRecord session(String id, long in, long out, long streams) {
        return new SessionRecord(id, "gw", "c", "a", "10.0.0.1", Instant.EPOCH, List.of(), in, out, streams);
    }

    @Test
    void requestRateIsTheChangeInStreamsOverTheSameTime() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-29T12:00:00Z"));
        TrafficRates rates = new TrafficRates(clock);
        rates.observe(session("r", 0, 0, 100));
        clock.advance(java.time.Duration.ofSeconds(4));
        TrafficRates.Rate rate = rates.observe(session("r", 0, 0, 140));
        assertThat(rate.known()).as("a change in requests alone is a new sample").isTrue();
        assertThat(rate.requestsPerSecond()).isEqualTo(10.0);
        assertThat(rate.inPerSecond()).isZero();
    }

    @Test
    void rateIsTheChangeOverTheTimeBetweenFirstSightings() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-29T12:00:00Z"));
        TrafficRates rates = new TrafficRates(clock);
        assertThat(rates.observe(session("s", 1000, 0)).known()).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(rates.observe(session("s", 1000, 0)).known()).as("same counters: nothing to compare yet").isFalse();
        clock.advance(Duration.ofSeconds(8));
        TrafficRates.Rate rate = rates.observe(session("s", 11_000, 5_000));
        assertThat(rate.known()).isTrue();
        assertThat(rate.inPerSecond()).isEqualTo(1000.0);
        assertThat(rate.outPerSecond()).isEqualTo(500.0);
        clock.advance(Duration.ofSeconds(1));
        assertThat(rates.observe(session("s", 11_000, 5_000))).as("unchanged counters keep the last rate").isEqualTo(rate);
    }

    @Test
    void remembersAtMostTheBoundLeastRecentlySeenForgottenFirst() {
        TrafficRates rates = new TrafficRates(new ManualClock());
        for (int i = 0; i <= TrafficRates.MAX_TRACKED; i++) {
            rates.observe(session("s-" + i, i, i));
        }
        assertThat(rates.size()).isEqualTo(TrafficRates.MAX_TRACKED);
        assertThat(rates.observe(session("s-0", 1, 1)).known()).as("the oldest was forgotten").isFalse();
    }
}
