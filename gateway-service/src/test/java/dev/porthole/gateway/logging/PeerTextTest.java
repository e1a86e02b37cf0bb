package dev.porthole.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerTextTest {

    @Test
    void controlCharactersCannotStartAForgedLogLine() {
        assertThat(PeerText.quote("refused\n12:00:00 ERROR admin password reset\r\u0085\u2028"))
                .isEqualTo("\"refused\\x0A12:00:00 ERROR admin password reset\\x0D\\x85\\u2028\"".replace("\\u2028", "\\x2028"));
        assertThat(PeerText.quote("say \"hi\" \\ bye")).isEqualTo("\"say \\\"hi\\\" \\\\ bye\"");
        assertThat(PeerText.quote(null)).isEqualTo("null");
    }

    @Test
    void longTextIsCut() {
        assertThat(PeerText.quote("x".repeat(10_000))).hasSize(PeerText.MAX_LENGTH + 5).endsWith("...\"");
    }
}
