package dev.porthole.protocol;

/**
 * Text a peer sent (an agent's NOTICE, close reason, version, a name in an OPEN), made safe for
 * one log line: control characters, line and paragraph separators and backslashes are escaped,
 * so no peer can start a line of its own in the log (issue 25: an agent wrote a forged "ERROR"
 * line into the gateway's log), and it is cut to {@value #MAX_LENGTH} characters.
 */
public final class PeerText {

    /** Longest text kept; longer text is cut and marked. */
    public static final int MAX_LENGTH = 200;

    private PeerText() {}

    /** The text escaped as {@link #escape} does, with its double quotes escaped too, in double quotes; {@code null} stays visible as such. */
    public static String quote(String text) {
        return text == null ? "null" : '"' + escape(text).replace("\"", "\\\"") + '"';
    }

    /** The text with every character that could end or rewrite a log line escaped, and at most {@value #MAX_LENGTH} characters of it. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        int end = Math.min(text.length(), MAX_LENGTH);
        StringBuilder out = new StringBuilder(end + 16);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c)
                            || c == '\u2028'
                            || c == '\u2029'
                            || Character.getType(c) == Character.FORMAT) {
                        out.append("\\u%04x".formatted((int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > end) {
            out.append("... (").append(text.length() - end).append(" more characters)");
        }
        return out.toString();
    }
}
