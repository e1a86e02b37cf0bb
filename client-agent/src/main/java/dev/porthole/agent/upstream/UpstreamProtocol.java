package dev.porthole.agent.upstream;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The HTTP version the agent speaks to the local service ({@code --upstream-protocol}, porthole.yml's {@code upstream-protocol}). */
public enum UpstreamProtocol {
    /** HTTP/1.1, over TLS with {@code --upstream-tls}. */
    HTTP1("http1"),
    /** HTTP/2 over plain TCP with prior knowledge (gRPC servers without TLS). */
    H2C("h2c"),
    /** HTTP/2 over TLS, chosen by ALPN; implies HTTPS to the local service. */
    H2("h2");

    private final String text;

    UpstreamProtocol(String text) {
        this.text = text;
    }

    /**
     * The protocol a user named; null or blank is {@link #HTTP1}.
     *
     * @throws IllegalArgumentException naming the option and the choices
     */
    public static UpstreamProtocol of(String value, String option) {
        if (value == null || value.isBlank()) {
            return HTTP1;
        }
        String lower = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(protocol -> protocol.text.equals(lower))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(option + " must be one of "
                        + Arrays.stream(values()).map(p -> p.text).collect(Collectors.joining(", ")) + ", was '"
                        + value + "'"));
    }

    @Override
    public String toString() {
        return text;
    }
}
