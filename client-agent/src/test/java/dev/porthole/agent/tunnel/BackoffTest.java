package dev.porthole.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.testing.ManualClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final ManualClock clock = new ManualClock();

    private Backoff backoff(long seed) {
        return new Backoff(
                Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60), new Random(seed), clock);
    }

    @Test
    void delaysStayWithinACeilingThatDoublesUpToTheCap() {
        Backoff backoff = backoff(1);
        long ceiling = 500;
        for (int attempt = 0; attempt < 12; attempt++) {
            long delay = backoff.next().toMillis();
            assertThat(delay).as("attempt %d", attempt).isBetween(1L, ceiling);
            ceiling = Math.min(ceiling * 2, 30_000);
        }
        assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void manyAgentsDoNotRetryInLockstep() {
        Set<Long> delays = new HashSet<>();
        for (int agent = 0; agent < 200; agent++) {
            Backoff backoff = backoff(agent);
            for (int i = 0; i < 5; i++) {
                backoff.next();
            }
            delays.add(backoff.next().toMillis());
        }
        // 200 agents at the same attempt spread over the window (0, 16 s]: nearly all distinct.
        assertThat(delays).hasSizeGreaterThan(190);
        assertThat(delays).allMatch(delay -> delay >= 1 && delay <= 16_000);
    }

    /**
     * 200 agents lose their gateway at the same moment; their first retries land evenly over the
     * first window (0, 500 ms]: no 50 ms slice holds more than twice its fair share (10%), and the
     * retries reach from the first slice to the last.
     */
    @Test
    void twoHundredAgentsFirstRetriesFillTheWindowEvenly() {
        int agents = 200;
        int slices = 10;
        int[] perSlice = new int[slices];
        long earliest = Long.MAX_VALUE;
        long latest = 0;
        for (int agent = 0; agent < agents; agent++) {
            long delay = backoff(1_000 + agent).next().toMillis();
            perSlice[(int) Math.min(slices - 1, (delay - 1) / 50)]++;
            earliest = Math.min(earliest, delay);
            latest = Math.max(latest, delay);
        }
        assertThat(Arrays.stream(perSlice).max().orElseThrow())
                .as("most agents in one 50 ms slice of %s", Arrays.toString(perSlice))
                .isLessThanOrEqualTo(2 * agents / slices);
        assertThat(Arrays.stream(perSlice).min().orElseThrow())
                .as("fewest agents in one 50 ms slice of %s", Arrays.toString(perSlice))
                .isPositive();
        assertThat(earliest).isLessThan(50);
        assertThat(latest).isGreaterThan(450);
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
        assertThat(backoff.attempts()).isEqualTo(1);
    }

    @Test
    void aConnectionThatDroppedQuicklyKeepsBackingOff() {
        Backoff backoff = backoff(3);
        for (int i = 0; i < 6; i++) {
            backoff.next();
        }
        backoff.connected();
        clock.advance(Duration.ofSeconds(5));
        backoff.next();
        assertThat(backoff.attempts()).as("the sequence went on from attempt 6").isEqualTo(7);
    }

    @Test
    void rejectsAnImpossibleRange() {
        assertThatThrownBy(() ->
                        new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), new Random(), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(
                        Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), new Random(), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
