package dev.porthole.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoundedTagValuesTest {

    @Test
    void holdsAtMostTheLimitAndCountsUsersOfEachValue() {
        BoundedTagValues values = new BoundedTagValues(2);
        assertThat(values.hold("a")).isTrue();
        assertThat(values.hold("a")).isTrue();
        assertThat(values.hold("b")).isTrue();
        assertThat(values.hold("c")).as("no place left").isFalse();
        assertThat(values.release("a")).as("a second user of 'a' remains").isFalse();
        assertThat(values.release("a")).isTrue();
        assertThat(values.release("c")).as("never held").isFalse();
        assertThat(values.hold("c")).isTrue();
        assertThat(values.size()).isEqualTo(2);
    }

    @Test
    void neverGivesThePlaceholderItsOwnPlace() {
        assertThat(new BoundedTagValues(5).hold(BoundedTagValues.OTHER)).isFalse();
    }

    @Test
    void refusesALimitBelowOne() {
        assertThatThrownBy(() -> new BoundedTagValues(0)).hasMessageContaining("at least 1");
    }
}
