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

    private static SessionRecord connectedAt(Instant connectedAt, String id, long in, long out, long streams) {
        return new SessionRecord(id, "gw", "c", "a", "10.0.0.1", connectedAt, List.of(), in, out, streams);
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
        assertThat(rate.known())
                .as("a change in requests alone is a new sample")
                .isTrue();
        assertThat(rate.requestsPerSecond()).isEqualTo(10.0);
        assertThat(rate.inPerSecond()).isZero();
    }

    @Test
    void rateIsTheChangeOverTheTimeBetweenFirstSightings() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-29T12:00:00Z"));
        TrafficRates rates = new TrafficRates(clock);
        TrafficRates.Rate first = rates.observe(session("s", 1000, 0));
        clock.advance(Duration.ofSeconds(2));
        assertThat(rates.observe(session("s", 1000, 0)))
                .as("same counters: nothing new to compare")
                .isEqualTo(first);
        clock.advance(Duration.ofSeconds(8));
        TrafficRates.Rate rate = rates.observe(session("s", 11_000, 5_000));
        assertThat(rate.known()).isTrue();
        assertThat(rate.inPerSecond()).isEqualTo(1000.0);
        assertThat(rate.outPerSecond()).isEqualTo(500.0);
        clock.advance(Duration.ofSeconds(1));
        assertThat(rates.observe(session("s", 11_000, 5_000)))
                .as("unchanged counters keep the last rate")
                .isEqualTo(rate);
    }

    @Test
    void remembersAtMostTheBound() {
        TrafficRates rates = new TrafficRates(new ManualClock());
        for (int i = 0; i < 2 * TrafficRates.MAX_TRACKED; i++) {
            rates.observe(connectedAt(null, "s-" + i, i, i, 0));
        }
        assertThat(rates.size()).isEqualTo(TrafficRates.MAX_TRACKED);
    }

    @Test
    void aSessionNotSeenForAWhileIsForgottenAndOneSeenIsKept() {
        ManualClock clock = new ManualClock();
        TrafficRates rates = new TrafficRates(clock);
        rates.observe(connectedAt(null, "gone", 1, 1, 0));
        rates.observe(connectedAt(null, "live", 1, 1, 0));
        clock.advance(TrafficRates.FORGET_AFTER.dividedBy(2));
        rates.observe(connectedAt(null, "live", 2, 2, 0));
        clock.advance(TrafficRates.FORGET_AFTER.dividedBy(2).plusSeconds(1));

        // Changed counters give a known rate when the earlier sample is remembered, and none on a first sight.
        assertThat(rates.observe(connectedAt(null, "gone", 5, 5, 0)).known())
                .as("forgotten: a first sight again")
                .isFalse();
        assertThat(rates.observe(connectedAt(null, "live", 3, 3, 0)).known())
                .as("seen within the time: remembered")
                .isTrue();
    }

    @Test
    void aFirstSightShowsTheAverageSinceTheSessionConnected() {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        TrafficRates rates = new TrafficRates(new ManualClock(now));
        TrafficRates.Rate rate = rates.observe(connectedAt(now.minusSeconds(100), "new-page", 20_000, 10_000, 50));
        assertThat(rate.known())
                .as("a value at once, not an ellipsis until the gateway's next rewrite")
                .isTrue();
        assertThat(rate.inPerSecond()).isEqualTo(200.0);
        assertThat(rate.outPerSecond()).isEqualTo(100.0);
        assertThat(rate.requestsPerSecond()).isEqualTo(0.5);
    }

    @Test
    void countersThatStayTheSameBecomeARateOfZero() {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        ManualClock clock = new ManualClock(now);
        TrafficRates rates = new TrafficRates(clock);
        rates.observe(connectedAt(now.minusSeconds(10), "quiet", 10_000, 10_000, 10));
        clock.advance(TrafficRates.IDLE_AFTER.minusSeconds(1));
        assertThat(rates.observe(connectedAt(now.minusSeconds(10), "quiet", 10_000, 10_000, 10))
                        .inPerSecond())
                .as("within a few rewrites: still the last rate")
                .isEqualTo(1000.0);
        clock.advance(Duration.ofSeconds(1));
        TrafficRates.Rate idle = rates.observe(connectedAt(now.minusSeconds(10), "quiet", 10_000, 10_000, 10));
        assertThat(idle.known()).isTrue();
        assertThat(idle.inPerSecond()).isZero();
        assertThat(idle.requestsPerSecond()).isZero();
    }
}
