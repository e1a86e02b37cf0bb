package dev.porthole.agent.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How an HTTP tunnel's requests are changed on their way to the local service: the same for the
 * {@code porthole http} flags and porthole.yml's keys.
 *
 * @param hostHeader null to pass the visitor's Host on; {@link #REWRITE} for the upstream's own {@code host:port}; else this value
 * @param basicAuth {@code user:password} sent as {@code Authorization: Basic} to the local service (replacing the visitor's), or null
 * @param tls whether the local service speaks HTTPS
 * @param tlsVerify whether its certificate and host name are checked (off for self-signed development certificates)
 * @param protocol the HTTP version spoken to it
 */
public record UpstreamHttpOptions(
        String hostHeader, String basicAuth, boolean tls, boolean tlsVerify, UpstreamProtocol protocol) {

    /** The {@code --host-header} value that sends the upstream's own address. */
    public static final String REWRITE = "rewrite";

    public static final UpstreamHttpOptions NONE =
            new UpstreamHttpOptions(null, null, false, true, UpstreamProtocol.HTTP1);

    /**
     * Checks and builds the options.
     *
     * @param key names an option as the user wrote it ({@code --host-header} or {@code host-header})
     * @throws IllegalArgumentException naming what is wrong
     */
    public static UpstreamHttpOptions of(
            String hostHeader, String basicAuth, java.util.function.UnaryOperator<String> key) {
        return of(hostHeader, basicAuth, false, true, key);
    }

    /** The same with HTTPS to the local service, its certificate checked or not. */
    public static UpstreamHttpOptions of(
            String hostHeader,
            String basicAuth,
            boolean tls,
            boolean tlsVerify,
            java.util.function.UnaryOperator<String> key) {
        return of(hostHeader, basicAuth, tls, tlsVerify, null, key);
    }

    /**
     * The same with the HTTP version named ({@code http1}, {@code h2c}, {@code h2}; null for http1).
     * {@code h2} speaks TLS to the local service; {@code h2c} cannot, so it refuses a TLS upstream.
     */
    public static UpstreamHttpOptions of(
            String hostHeader,
            String basicAuth,
            boolean tls,
            boolean tlsVerify,
            String protocolName,
            java.util.function.UnaryOperator<String> key) {
        UpstreamProtocol protocol = UpstreamProtocol.of(protocolName, key.apply("upstream-protocol"));
        if (protocol == UpstreamProtocol.H2C && tls) {
            throw new IllegalArgumentException(
                    key.apply("upstream-protocol") + " h2c is HTTP/2 without TLS; for an HTTPS local service use h2");
        }
        String host = hostHeader == null || hostHeader.isBlank() ? null : hostHeader.trim();
        if (host != null && !host.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
            throw new IllegalArgumentException(key.apply("host-header")
                    + " must be a host name with an optional port (or 'rewrite'), was '" + hostHeader + "'");
        }
        String auth = basicAuth == null || basicAuth.isEmpty() ? null : basicAuth;
        if (auth != null && (auth.indexOf(':') <= 0 || auth.chars().anyMatch(c -> c == '\r' || c == '\n'))) {
            throw new IllegalArgumentException(key.apply("upstream-basic-auth") + " must be user:password");
        }
        return new UpstreamHttpOptions(host, auth, tls || protocol == UpstreamProtocol.H2, tlsVerify, protocol);
    }

    /** The Host header to send to {@code upstream}, or null to keep the visitor's. */
    public String host(UpstreamAddress upstream) {
        return hostHeader == null ? null : hostHeader.equalsIgnoreCase(REWRITE) ? upstream.toString() : hostHeader;
    }

    /** The Authorization header for the local service, or null. */
    public String authorization() {
        return basicAuth == null
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
    }

    /** Never shows the password (this record may end up in a log line). */
    @Override
    public String toString() {
        return "UpstreamHttpOptions[hostHeader=" + hostHeader + ", basicAuth="
                + (basicAuth == null ? "none" : basicAuth.substring(0, basicAuth.indexOf(':')) + ":***") + ", tls="
                + tls + ", tlsVerify=" + tlsVerify + ", protocol=" + protocol + "]";
    }
}
