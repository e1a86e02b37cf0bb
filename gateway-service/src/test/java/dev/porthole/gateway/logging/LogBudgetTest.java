package dev.porthole.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.testing.ManualClock;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogBudgetTest {

    private final ManualClock clock = new ManualClock();
    private final LogBudget budget = new LogBudget("refused dials of session s-test", 3, Duration.ofMinutes(1), clock);

    @Test
    void letsThroughTheFirstLinesOfAnIntervalAndCountsTheRest() {
        assertThat(IntStream.range(0, 1000).filter(i -> budget.allow()).count()).isEqualTo(3);
        assertThat(budget.heldBack()).isEqualTo(997);
    }

    @Test
    void startsAgainInTheNextInterval() {
        IntStream.range(0, 10).forEach(i -> budget.allow());
        clock.advance(Duration.ofSeconds(61));
        assertThat(budget.allow()).isTrue();
        assertThat(budget.heldBack()).isZero();
    }
}
