package dev.porthole.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.notification.provider.Verdict;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff =
            new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(30), 0.5, Duration.ofSeconds(60));
    private final Verdict.Retry timeout = new Verdict.Retry("timed out", false, Optional.empty());

    @Test
    void doublesFromTheInitialDelayUpToTheMaximum() {
        assertThat(backoff.delay(1, timeout, () -> 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(2, timeout, () -> 0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delay(4, timeout, () -> 0)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.delay(5, timeout, () -> 0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(60, timeout, () -> 0)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void addsUpToTheJitterShareAtRandom() {
        assertThat(backoff.delay(2, timeout, () -> 0.999)).isBetween(Duration.ofMillis(5990), Duration.ofSeconds(6));
        assertThat(backoff.delay(5, timeout, () -> 0.999)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void waitsAtLeastTheRateLimitedDelayAfterATooFastAnswer() {
        Verdict.Retry tooFast = new Verdict.Retry("errcode 130101", true, Optional.empty());
        assertThat(backoff.delay(1, tooFast, () -> 0)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void honoursALongerRetryAfterButNotBeyondAnHour() {
        assertThat(backoff.delay(1, new Verdict.Retry("429", true, Optional.of(Duration.ofSeconds(90))), () -> 0))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(backoff.delay(1, new Verdict.Retry("429", false, Optional.of(Duration.ofSeconds(1))), () -> 0))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(1, new Verdict.Retry("429", false, Optional.of(Duration.ofDays(1))), () -> 0))
                .isEqualTo(Duration.ofHours(1));
    }
}
