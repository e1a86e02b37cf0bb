package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsShortAndIsoForms() {
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("PT45S")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void explainsTheExpectedForm() {
        assertThatThrownBy(() -> converter.convert("soon")).hasMessageContaining("like 30s");
        assertThatThrownBy(() -> converter.convert("30x")).hasMessageContaining("use a unit");
    }
}
