package dev.porthole.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

class LogFieldsTest {

    @Test
    void setsTheFieldsInsideTheBlockAndRestoresWhatWasThereAfter() {
        MDC.put(LogFields.CLIENT, "outer");
        try (LogFields outer = LogFields.client("c1")) {
            assertThat(MDC.get(LogFields.CLIENT)).isEqualTo("c1");
            try (LogFields inner = LogFields.of("c2", "t2")) {
                assertThat(MDC.get(LogFields.CLIENT)).isEqualTo("c2");
                assertThat(MDC.get(LogFields.TUNNEL)).isEqualTo("t2");
            }
            assertThat(MDC.get(LogFields.CLIENT)).isEqualTo("c1");
            assertThat(MDC.get(LogFields.TUNNEL)).isNull();
        }
        assertThat(MDC.get(LogFields.CLIENT)).isEqualTo("outer");
        MDC.remove(LogFields.CLIENT);
    }
}
