package dev.porthole.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.testing.ManualClock;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SourceLogBudgetsTest {

    private final ManualClock clock = new ManualClock();
    private final SourceLogBudgets budgets = new SourceLogBudgets(clock);

    @Test
    void connectionsFromOneAddressShareOneBudget() {
        // Sixteen connections in a row from one address, each asking for twenty lines.
        long allowed = IntStream.range(0, 16)
                .mapToLong(connection -> IntStream.range(0, 20)
                        .filter(line -> budgets.of("notices", "192.0.2.7").allow())
                        .count())
                .sum();
        assertThat(allowed).isEqualTo(LogBudget.LINES);
    }

    @Test
    void anotherAddressOrKindHasItsOwnBudget() {
        IntStream.range(0, 100)
                .forEach(line -> budgets.of("notices", "192.0.2.7").allow());
        assertThat(budgets.of("notices", "192.0.2.8").allow()).isTrue();
        assertThat(budgets.of("refused dials", "192.0.2.7").allow()).isTrue();
    }

    @Test
    void aSweepDropsOnlyBudgetsWhoseIntervalEnded() {
        budgets.of("notices", "192.0.2.7").allow();
        clock.advance(LogBudget.INTERVAL.minusSeconds(1));
        budgets.of("notices", "192.0.2.8").allow();
        clock.advance(Duration.ofSeconds(2));
        budgets.sweep();
        assertThat(budgets.size()).isEqualTo(1);
    }

    @Test
    void keepsAtMostTheirBoundOfSources() {
        IntStream.range(0, SourceLogBudgets.MAX_SOURCES + 500)
                .forEach(i -> budgets.of("notices", "10.0." + (i >> 8) + "." + (i & 255))
                        .allow());
        assertThat(budgets.size()).isEqualTo(SourceLogBudgets.MAX_SOURCES);
    }
}
