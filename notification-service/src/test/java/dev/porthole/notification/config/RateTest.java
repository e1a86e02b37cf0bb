package dev.porthole.notification.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateTest {

    @Test
    void readsPermitsPerPeriod() {
        assertThat(Rate.valueOf("20/1m")).isEqualTo(new Rate(20, Duration.ofMinutes(1)));
        assertThat(Rate.valueOf(" 5 / 1s ")).isEqualTo(new Rate(5, Duration.ofSeconds(1)));
        assertThat(Rate.valueOf("100/60s")).isEqualTo(new Rate(100, Duration.ofSeconds(60)));
        assertThat(Rate.valueOf("3/500ms")).isEqualTo(new Rate(3, Duration.ofMillis(500)));
        assertThat(Rate.valueOf("1000/1h")).isEqualTo(new Rate(1000, Duration.ofHours(1)));
    }

    @Test
    void refusesWhatIsNotARateWithAMessageThatSaysHowToWriteOne() {
        assertThatThrownBy(() -> Rate.valueOf("twenty a minute"))
                .hasMessageContaining("write permits/period such as 20/1m");
        assertThatThrownBy(() -> Rate.valueOf("0/1s")).hasMessageContaining("at least 1 permit");
        assertThatThrownBy(() -> Rate.valueOf("5/0s")).hasMessageContaining("positive period");
    }
}
