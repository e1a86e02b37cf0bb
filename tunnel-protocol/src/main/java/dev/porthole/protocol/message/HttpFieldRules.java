package dev.porthole.protocol.message;

/**
 * The bytes RFC 9110 allows in a response head: a reason phrase of HTAB, SP, VCHAR and obs-text
 * (section 4 of RFC 9112), header names that are tokens, header values of field-vchar, SP and HTAB
 * (section 5.5 of RFC 9110). A head that breaks them (CR or LF that would split a line, NUL, a
 * name with a space or a colon) is never passed on to a visitor. Problems are described without
 * the offending text, which came from a peer and must not reach a log line as is.
 */
public final class HttpFieldRules {

    private HttpFieldRules() {}

    /** What is wrong with the head, or null if every field is allowed. */
    public static String problem(HttpResponseHead head) {
        int bad = firstForbidden(head.reason(), false);
        if (bad >= 0) {
            return "the reason phrase has byte " + describe(head.reason().charAt(bad)) + " at offset " + bad;
        }
        for (int i = 0; i < head.headers().size(); i++) {
            Header header = head.headers().get(i);
            if (header.name().isEmpty()) {
                return "header " + (i + 1) + " has an empty name";
            }
            int badName = firstNonToken(header.name());
            if (badName >= 0) {
                return "the name of header " + (i + 1) + " has byte "
                        + describe(header.name().charAt(badName)) + " at offset " + badName;
            }
            int badValue = firstForbidden(header.value(), true);
            if (badValue >= 0) {
                return "the value of header " + (i + 1) + " has byte "
                        + describe(header.value().charAt(badValue)) + " at offset " + badValue;
            }
        }
        return null;
    }

    /** Fields a trailer section must not carry: framing, routing, credentials and hop-by-hop ones (RFC 9110 6.5.1). */
    private static final java.util.Set<String> NOT_IN_TRAILERS = java.util.Set.of(
            "content-length",
            "content-type",
            "content-encoding",
            "content-range",
            "host",
            "authorization",
            "cookie",
            "set-cookie",
            "expect",
            "max-forwards",
            "cache-control",
            "trailer");

    /** Most fields in one trailer section. */
    public static final int MAX_TRAILERS = 64;

    /**
     * What is wrong with a trailer section, or null: the bytes a header allows (a name is a token, so
     * no pseudo-header), no hop-by-hop field, none of the fields RFC 9110 keeps out of trailers, and
     * at most {@value #MAX_TRAILERS} fields. Described without the peer's text.
     */
    public static String trailerProblem(java.util.List<Header> fields) {
        if (fields.size() > MAX_TRAILERS) {
            return fields.size() + " trailer fields, more than " + MAX_TRAILERS;
        }
        String problem = problem(new HttpResponseHead(200, "", fields));
        if (problem != null) {
            return problem.replace("header ", "trailer ");
        }
        HopByHop hop = HopByHop.forConnectionHeaders(java.util.List.of());
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.get(i).name();
            if (hop.isHopByHop(name) || NOT_IN_TRAILERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                return "trailer " + (i + 1) + " is a field trailers may not carry";
            }
        }
        return null;
    }

    /** tchar: "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. */
    private static int firstNonToken(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!token) {
                return i;
            }
        }
        return -1;
    }

    /** HTAB, SP, VCHAR and obs-text (any character above 0x7F) are allowed; a value may not begin or end with whitespace. */
    private static int firstForbidden(String text, boolean fieldValue) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return i;
            }
        }
        if (fieldValue && !text.isEmpty()) {
            if (isWhitespace(text.charAt(0))) {
                return 0;
            }
            if (isWhitespace(text.charAt(text.length() - 1))) {
                return text.length() - 1;
            }
        }
        return -1;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static String describe(char c) {
        return String.format("0x%02X", (int) c);
    }
}
