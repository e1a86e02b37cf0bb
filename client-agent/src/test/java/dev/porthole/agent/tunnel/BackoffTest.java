package dev.porthole.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.testing.ManualClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final ManualClock clock = new ManualClock();

    private Backoff backoff(long seed) {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60), new Random(seed), clock);
    }

    @Test
    void delaysDoubleUntilTheCapAndStayBetweenHalfAndFullCeiling() {
        Backoff backoff = backoff(1);
        long ceiling = 500;
        for (int attempt = 0; attempt < 12; attempt++) {
            long delay = backoff.next().toMillis();
            assertThat(delay).as("attempt %d", attempt).isBetween(ceiling / 2, ceiling);
            ceiling = Math.min(ceiling * 2, 30_000);
        }
        assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void manyAgentsDoNotRetryInLockstep() {
        Set<Long> firstDelays = new HashSet<>();
        for (int agent = 0; agent < 200; agent++) {
            Backoff backoff = backoff(agent);
            for (int i = 0; i < 5; i++) {
                backoff.next();
            }
            firstDelays.add(backoff.next().toMillis());
        }
        // 200 agents at the same attempt spread over the window [8 s, 16 s]: nearly all distinct.
        assertThat(firstDelays).hasSizeGreaterThan(190);
        assertThat(firstDelays).allMatch(delay -> delay >= 8_000 && delay <= 16_000);
    }

    @Test
    void aConnectionThatLastedResetsTheSequence() {
        Backoff backoff = backoff(2);
        for (int i = 0; i < 6; i++) {
            backoff.next();
        }
        backoff.connected();
        clock.advance(Duration.ofSeconds(61));
        assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aConnectionThatDroppedQuicklyKeepsBackingOff() {
        Backoff backoff = backoff(3);
        for (int i = 0; i < 6; i++) {
            backoff.next();
        }
        backoff.connected();
        clock.advance(Duration.ofSeconds(5));
        assertThat(backoff.next()).isGreaterThanOrEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void rejectsAnImpossibleRange() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), new Random(), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), new Random(), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
