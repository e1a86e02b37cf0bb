package dev.porthole.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Hello;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandshakeAnswersTest {

    @Test
    void agreedCapabilitiesAreThoseBothSidesSpeak() {
        Set<String> agreed = HandshakeAnswers.capabilities(hello(Set.of(Capabilities.HTTP, "from-the-future")), false);

        assertThat(agreed).containsExactly(Capabilities.HTTP);
    }

    /** Every idle session keeps its set: sessions that agree on the same words share one (docs/performance.md). */
    @Test
    void sessionsThatAgreeOnTheSameCapabilitiesShareOneSet() {
        Set<String> first = HandshakeAnswers.capabilities(hello(Set.of(Capabilities.HTTP, Capabilities.TCP)), false);
        // Equal words in other String objects, as each HELLO decodes its own.
        Set<String> second = HandshakeAnswers.capabilities(
                hello(Set.of(new String(Capabilities.TCP), new String(Capabilities.HTTP))), false);
        Set<String> other = HandshakeAnswers.capabilities(hello(Set.of(Capabilities.HTTP)), false);

        assertThat(second).isSameAs(first);
        assertThat(other).isNotSameAs(first).containsExactly(Capabilities.HTTP);
        assertThat(first)
                .allSatisfy(word -> assertThat(HandshakeAnswers.CAPABILITIES)
                        .anySatisfy(own -> assertThat(own).isSameAs(word)));
    }

    private static Hello hello(Set<String> capabilities) {
        return new Hello(1, 1, "test", "agent-1", capabilities, 65536, 65536, List.of());
    }
}
