package dev.porthole.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the gateway reads the length an agent's response head declares (RFC 9110 8.6: 1*DIGIT). */
class ResponseFramingTest {

    private static ResponseFraming.Decision decide(String... headers) {
        List<Header> fields = Arrays.stream(headers)
                .map(field ->
                        new Header(field.substring(0, field.indexOf(':')), field.substring(field.indexOf(':') + 1)))
                .toList();
        return ResponseFraming.decide(new HttpResponseHead(200, "OK", fields), false, Set.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "0", "123456789012345678", "5,5", "5, 5", " 5"})
    void aLengthOfDigitsOrRepeatsOfItIsTheBodyLength(String value) {
        assertThat(decide("content-length:" + value)).isInstanceOfSatisfying(ResponseFraming.Final.class, framing -> {
            assertThat(String.valueOf(framing.length())).isEqualTo(value.split(",")[0].trim());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+5", "-5", "5a", "0x5", "5 5", "1234567890123456789", "\u0665", "5,7", "5,"})
    void anythingElseIsRefused(String value) {
        assertThat(decide("Content-Length:" + value))
                .isInstanceOfSatisfying(
                        ResponseFraming.Refused.class,
                        refused -> assertThat(refused.reason()).isEqualTo("bad-content-length"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding", "TRANSFER-ENCODING", "transfer-encoding"})
    void aLengthWithATransferEncodingIsRefusedWhateverTheCase(String name) {
        assertThat(decide("Content-Length:5", name + ":chunked"))
                .isInstanceOfSatisfying(
                        ResponseFraming.Refused.class,
                        refused -> assertThat(refused.reason()).isEqualTo("length-and-transfer-encoding"));
    }
}
