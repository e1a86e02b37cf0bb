package dev.porthole.gateway.logging;

/**
 * Text a peer chose (an agent's reset message or close reason, a header a visitor sent) made safe
 * for one log line: control characters, which could start a forged line, are written as
 * {@code \xNN}, and the text is cut at a bound.
 */
public final class PeerText {

    /** How many characters of a peer's text a log line takes at most. */
    static final int MAX_LENGTH = 200;

    private PeerText() {
    }

    /** The text, quoted and escaped; {@code null} stays visible as such. */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 2).append('"');
        for (int i = 0; i < text.length() && i < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\x%02X", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        if (text.length() > MAX_LENGTH) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
