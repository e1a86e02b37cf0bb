package dev.porthole.protocol.message;

import java.util.Locale;
import java.util.Set;

/**
 * The HTTP header fields that belong to one connection and must not be forwarded (RFC 9110
 * section 7.6.1): the fixed list plus every field named in the {@code Connection} header.
 */
public final class HopByHop {

    private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private final Set<String> named;

    private HopByHop(Set<String> named) {
        this.named = named;
    }

    /** The rule for one message, given the values of its {@code Connection} headers. */
    public static HopByHop forConnectionHeaders(Iterable<String> connectionValues) {
        java.util.HashSet<String> named = new java.util.HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String trimmed = token.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    named.add(trimmed);
                }
            }
        }
        return new HopByHop(named);
    }

    /** Whether a header must stay on this hop. */
    public boolean isHopByHop(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return ALWAYS.contains(lower) || named.contains(lower);
    }
}
