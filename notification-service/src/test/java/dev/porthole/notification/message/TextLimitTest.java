package dev.porthole.notification.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextLimitTest {

    @Test
    void leavesTextThatFitsAlone() {
        assertThat(TextLimit.utf8Bytes(10).apply("0123456789")).isEqualTo("0123456789");
    }

    @Test
    void cutsAsciiAndEndsWithAnEllipsisWithinTheByteLimit() {
        String cut = TextLimit.utf8Bytes(10).apply("0123456789A");
        assertThat(cut).isEqualTo("0123456…");
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(10);
    }

    @Test
    void neverSplitsAThreeByteCharacter() {
        // 7 budget bytes after the 3-byte ellipsis: two CJK characters (6 bytes) fit, a third would not.
        String cut = TextLimit.utf8Bytes(10).apply("配置错误配置错误");
        assertThat(cut).isEqualTo("配置…");
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(10);
    }

    @Test
    void neverSplitsASurrogatePair() {
        String cut = TextLimit.utf8Bytes(7).apply("a😀😀😀");
        assertThat(cut).isEqualTo("a…");
        assertThat(new String(cut.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo(cut);
        assertThat(TextLimit.utf8Bytes(9).apply("a😀😀😀")).isEqualTo("a😀…");
    }

    @Test
    void countsCodePointsForCharacterLimits() {
        assertThat(TextLimit.codePoints(5).apply("😀😀😀😀😀")).isEqualTo("😀😀😀😀😀");
        assertThat(TextLimit.codePoints(5).apply("😀😀😀😀😀😀")).isEqualTo("😀😀😀😀…");
    }

    @Test
    void staysWithinWeComsLimitsForAnyLongText() {
        String text = "é😀配a".repeat(2000);
        for (int limit : new int[] {2048, 4096}) {
            String cut = TextLimit.utf8Bytes(limit).apply(text);
            int bytes = cut.getBytes(StandardCharsets.UTF_8).length;
            assertThat(bytes).isLessThanOrEqualTo(limit).isGreaterThan(limit - 7);
        }
    }
}
