package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void readsDelaySeconds() {
        assertThat(RetryAfter.parse(Optional.of("30"), clock)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(Optional.of(" 0 "), clock)).contains(Duration.ZERO);
    }

    @Test
    void readsAnHttpDate() {
        assertThat(RetryAfter.parse(Optional.of("Thu, 01 Jan 2026 00:02:00 GMT"), clock))
                .contains(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse(Optional.of("Wed, 31 Dec 2025 23:00:00 GMT"), clock))
                .contains(Duration.ZERO);
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertThat(RetryAfter.parse(Optional.of("soon"), clock)).isEmpty();
        assertThat(RetryAfter.parse(Optional.empty(), clock)).isEmpty();
        assertThat(RetryAfter.parse(Optional.of("-5"), clock)).contains(Duration.ZERO);
    }
}
