package dev.porthole.protocol.message;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The HTTP header fields that belong to one connection and must not be forwarded (RFC 9110
 * section 7.6.1): the fixed list plus every field named in the {@code Connection} header, except
 * fields meant for every recipient, which a {@code Connection} header cannot nominate (RFC 9110
 * forbids sending them as connection options): {@code Host}, the framing ({@code Content-Length}),
 * credentials ({@code Authorization}, {@code Cookie}) and the identity headers a proxy sets
 * ({@code Forwarded}, {@code X-Forwarded-*}, {@code X-Real-IP}, {@code X-Porthole-*}). A
 * {@code Connection: Host} therefore never removes the Host the upstream receives.
 */
public final class HopByHop {

    private static final Set<String> ALWAYS = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade");

    private static final Set<String> NEVER_NOMINATED =
            Set.of("host", "content-length", "authorization", "cookie", "forwarded", "x-real-ip");

    private final Set<String> named;

    private HopByHop(Set<String> named) {
        this.named = named;
    }

    /** The rule for one message, given the values of its {@code Connection} headers. */
    public static HopByHop forConnectionHeaders(Iterable<String> connectionValues) {
        Set<String> named = new HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String trimmed = token.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty() && !endToEnd(trimmed)) {
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

    private static boolean endToEnd(String lowerName) {
        return NEVER_NOMINATED.contains(lowerName)
                || lowerName.startsWith("x-forwarded-")
                || lowerName.startsWith("x-porthole-");
    }
}
