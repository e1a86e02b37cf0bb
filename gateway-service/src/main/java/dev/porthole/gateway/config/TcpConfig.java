package dev.porthole.gateway.config;

import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/** TCP tunnels: one public listener per tunnel, a stream per accepted connection. */
public interface TcpConfig {
    /** Address the TCP tunnel listeners bind; {@code ::} accepts IPv4 and IPv6 on a dual-stack host, {@code 0.0.0.0} IPv4 only. */
    @WithDefault("::")
    String host();

    /** Ports handed out to TCP tunnels, {@code first-last}; an agent may ask only for a port in this range. */
    @WithDefault("20000-20999")
    @WithConverter(PortRange.Converter.class)
    PortRange portRange();

    /** Host in the {@code tcp://host:port} addresses handed out; defaults to {@code http.domain}. */
    Optional<String> publicHost();

    /** Most concurrent connections on one TCP tunnel; a connection beyond it is closed at once. */
    @WithDefault("1000")
    @Positive
    int maxConnectionsPerTunnel();

    /** A TCP connection with no traffic in either direction for this long is closed. */
    @WithDefault("15m")
    @DurationMin(millis = 1)
    Duration idleTimeout();

    /** Ports tried (claimed in the registry and bound) before giving up on a port from the range. */
    @WithDefault("50")
    @Positive
    int allocationAttempts();
}
