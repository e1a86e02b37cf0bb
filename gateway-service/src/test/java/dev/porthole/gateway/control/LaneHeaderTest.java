package dev.porthole.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code X-Porthole-Lane}: absent is lane 0; anything but a lane number, 0 to 15, is refused (-1). */
class LaneHeaderTest {

    @ParameterizedTest
    @CsvSource(
            nullValues = "null",
            value = {
                "null, 0",
                "0, 0",
                "1, 1",
                "15, 15",
                " 7 , 7",
                "16, -1",
                "-1, -1",
                "x, -1",
                "007, -1",
                "'', -1",
                "99999999999, -1"
            })
    void readsTheLaneNumber(String header, int lane) {
        assertThat(AgentEndpoint.lane(header)).isEqualTo(lane);
    }
}
