package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The public listener. */
public interface HttpConfig {
    /** Address to bind. */
    @WithDefault("0.0.0.0")
    String host();

    /** Port to bind. */
    @WithDefault("8080")
    int port();

    /** Tunnels are served at {@code <name>.<domain>}; point a wildcard DNS record at the gateway. */
    @WithDefault("localhost")
    String domain();

    /**
     * Scheme in the public URLs the gateway hands out; defaults to {@code https} when the gateway
     * terminates TLS itself ({@code tls.cert-files}), else {@code http} (set {@code https} when TLS
     * terminates in front of it).
     */
    Optional<PublicScheme> publicScheme();

    /** Port in the public URLs; defaults to {@code http.port}, and is left out when it is the scheme's default. */
    OptionalInt publicPort();

    /** Path of the agents' WebSocket endpoint. */
    @WithDefault("/_porthole/agent")
    String agentPath();

    /** Path routing for deployments without wildcard DNS: {@code <prefix><name>/...}. */
    @WithDefault("/t/")
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
    Duration responseTimeout();

    /** Largest request head (request line and headers) a visitor may send; larger gets 431. */
    @WithDefault("16K")
    MemorySize maxHeaderSize();

    /** Largest request line; longer gets 414. */
    @WithDefault("8K")
    MemorySize maxInitialLineLength();

    /** A visitor connection with no traffic for this long is closed. */
    @WithDefault("5m")
    Duration idleTimeout();

    /**
     * A visitor connection must send a complete request head this soon after it opens, and after
     * each response on a kept-alive connection; otherwise it is closed (slow-loris clients).
     */
    @WithDefault("10s")
    Duration requestHeadTimeout();

    /** Keep X-Forwarded-* headers from visitors (only behind a trusted proxy); otherwise the gateway replaces them. */
    @WithDefault("false")
    boolean trustForwardedHeaders();

    /** Event loops serving the public port; defaults to the number of CPU cores. */
    OptionalInt eventLoops();
}
