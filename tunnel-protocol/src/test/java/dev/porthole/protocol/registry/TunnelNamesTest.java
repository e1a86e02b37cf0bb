package dev.porthole.protocol.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one rule for tunnel names that the gateway and the agent both apply. */
class TunnelNamesTest {

    @Test
    void acceptsOneLowerCaseDnsLabelOfUpTo63Characters() {
        assertThat(TunnelNames.problem("my-app")).isNull();
        assertThat(TunnelNames.problem("a")).isNull();
        assertThat(TunnelNames.problem("a".repeat(63))).isNull();
        assertThat(TunnelNames.problem("0x9")).isNull();
    }

    @Test
    void refusesEmptyTooLongAndNonLabelNamesSayingWhy() {
        assertThat(TunnelNames.problem("")).isEqualTo("a tunnel name must be 1 to 63 characters long");
        assertThat(TunnelNames.problem("a".repeat(64))).isEqualTo("a tunnel name must be 1 to 63 characters long");
        for (String bad : new String[] {"-app", "app-", "my_app", "My-App", "a.b", "caf\u00e9", "a b"}) {
            assertThat(TunnelNames.problem(bad))
                    .as(bad)
                    .isEqualTo("a tunnel name may contain only lower-case letters, digits and inner "
                            + "hyphens, like 'my-app'");
        }
    }
}
