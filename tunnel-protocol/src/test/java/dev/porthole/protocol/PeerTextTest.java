package dev.porthole.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerTextTest {

    @Test
    void escapesEverythingThatCouldStartALineOfItsOwn() {
        assertThat(PeerText.escape("a\nb\rc\td\\e\u0000f\u2028g\u202eh\u0085i"))
                .isEqualTo("a\\nb\\rc\\td\\\\e\\u0000f\\u2028g\\u202eh\\u0085i");
    }

    @Test
    void keepsOrdinaryTextAsItIs() {
        assertThat(PeerText.escape("porthole 1.2.3 (linux; amd64) – ünïcode"))
                .isEqualTo("porthole 1.2.3 (linux; amd64) – ünïcode");
    }

    @Test
    void cutsLongText() {
        assertThat(PeerText.escape("x".repeat(1000)))
                .isEqualTo("x".repeat(PeerText.MAX_LENGTH) + "... (800 more characters)");
    }

    @Test
    void quotesTextWithItsQuotesEscaped() {
        assertThat(PeerText.quote("say \"hi\" \\ bye\n")).isEqualTo("\"say \\\"hi\\\" \\\\ bye\\n\"");
    }

    @Test
    void showsNullAsNull() {
        assertThat(PeerText.quote(null)).isEqualTo("null");
    }
}
