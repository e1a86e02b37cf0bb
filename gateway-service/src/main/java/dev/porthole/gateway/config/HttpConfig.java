package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMin;

/** The public listener. */
public interface HttpConfig {

    /** What {@code domain} must be: a lower-case DNS name. */
    String DOMAIN = "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$";
    /** Address to bind. */
    @WithDefault("0.0.0.0")
    String host();

    /** Port to bind. */
    @WithDefault("8080")
    @Range(min = 0, max = 65535)
    int port();

    /** Tunnels are served at {@code <name>.<domain>}; point a wildcard DNS record at the gateway. */
    @WithDefault("localhost")
    @Pattern(regexp = HttpConfig.DOMAIN, message = "must be a lower-case DNS name")
    String domain();

    /**
     * Scheme in the public URLs the gateway hands out; defaults to {@code https} when the gateway
     * terminates TLS itself ({@code tls.cert-files}), else {@code http} (set {@code https} when TLS
     * terminates in front of it).
     */
    Optional<PublicScheme> publicScheme();

    /** Port in the public URLs; defaults to {@code http.port}, and is left out when it is the scheme's default. */
    @Range(min = 0, max = 65535)
    OptionalInt publicPort();

    /** Path of the agents' WebSocket endpoint. */
    @WithDefault("/_porthole/agent")
    @Pattern(regexp = "/.*", message = "must start with '/'")
    String agentPath();

    /** Path routing for deployments without wildcard DNS: {@code <prefix><name>/...}. */
    @WithDefault("/t/")
    @Pattern(regexp = "/.+/", message = "must look like '/t/'")
    String pathPrefix();

    /**
     * Serve tunnels at {@code <apex host><path-prefix><name>/} too. Off: every path-routed tunnel
     * shares one origin (cookies, storage, service workers), so any tunnel's page can read or
     * control another's; docs/operations.md says when to turn it on.
     */
    @WithDefault("false")
    boolean pathRouting();

    /**
     * The hosts besides {@code <name>.<domain>} that the gateway answers (path routing, the gateway's
     * own pages); defaults to the domain itself. Any other Host gets 421. The agents' endpoint
     * answers on every host.
     */
    Optional<List<String>> apexHosts();

    /** How long a visitor waits for the upstream's response head before a 504. */
    @WithDefault("30s")
    @DurationMin(millis = 1)
    Duration responseTimeout();

    /** Largest request head (request line and headers) a visitor may send; larger gets 431. */
    @WithDefault("16K")
    MemorySize maxHeaderSize();

    /** Largest request line; longer gets 414. */
    @WithDefault("8K")
    MemorySize maxInitialLineLength();

    /** A visitor connection with no traffic for this long is closed. */
    @WithDefault("5m")
    @DurationMin(millis = 1)
    Duration idleTimeout();

    /**
     * A visitor connection must send a complete request head this soon after it opens, and after
     * each response on a kept-alive connection; otherwise it is closed (slow-loris clients).
     */
    @WithDefault("10s")
    @DurationMin(millis = 1)
    Duration requestHeadTimeout();

    /** Keep X-Forwarded-* headers from visitors (only behind a trusted proxy); otherwise the gateway replaces them. */
    @WithDefault("false")
    boolean trustForwardedHeaders();

    /** Event loops serving the public port; defaults to the number of CPU cores. */
    @Positive
    OptionalInt eventLoops();

    /** HTTP/2 for visitors: h2 by ALPN on the TLS listener, h2c with prior knowledge on the plain one. */
    Http2Config http2();
}
