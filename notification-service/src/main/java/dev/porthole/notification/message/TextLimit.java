package dev.porthole.notification.message;

import java.nio.charset.StandardCharsets;

/**
 * The most a chat service accepts in one field, in UTF-8 bytes or in characters (code points).
 * Longer text is cut on a code point boundary and ends with an ellipsis, so the result is always
 * valid UTF-8 and never exceeds the limit.
 *
 * @param unit what the limit counts
 * @param max the limit, at least 4
 */
public record TextLimit(Unit unit, int max) {

    private static final String ELLIPSIS = "…";
    private static final int ELLIPSIS_BYTES = ELLIPSIS.getBytes(StandardCharsets.UTF_8).length;

    /** What a limit counts. */
    public enum Unit {
        UTF8_BYTES,
        CODE_POINTS
    }

    public TextLimit {
        if (max < 4) {
            throw new IllegalArgumentException("limit too small: " + max);
        }
    }

    public static TextLimit utf8Bytes(int max) {
        return new TextLimit(Unit.UTF8_BYTES, max);
    }

    public static TextLimit codePoints(int max) {
        return new TextLimit(Unit.CODE_POINTS, max);
    }

    /** The text itself when it fits, else its longest prefix that fits together with an ellipsis. */
    public String apply(String text) {
        if (size(text) <= max) {
            return text;
        }
        int budget = max - (unit == Unit.UTF8_BYTES ? ELLIPSIS_BYTES : 1);
        int used = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int cost = unit == Unit.UTF8_BYTES ? utf8Length(cp) : 1;
            if (used + cost > budget) {
                break;
            }
            used += cost;
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + ELLIPSIS;
    }

    private int size(String text) {
        return unit == Unit.UTF8_BYTES
                ? text.getBytes(StandardCharsets.UTF_8).length
                : text.codePointCount(0, text.length());
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        // A lone surrogate is encoded as '?' (1 byte) by String.getBytes; counting 3 stays on the safe side.
        return codePoint < 0x10000 ? 3 : 4;
    }
}
