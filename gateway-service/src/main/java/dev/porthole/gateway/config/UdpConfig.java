package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Public UDP tunnels: one socket per tunnel on a port from the range, one flow per visitor address
 * and port. A client may open the UDP ports its TCP port grants allow (counted apart from its TCP ports).
 */
public interface UdpConfig {
    /** Address the UDP tunnel sockets bind; {@code ::} takes IPv4 and IPv6 on a dual-stack host. */
    @WithDefault("::")
    String host();

    /**
     * Ports handed out to UDP tunnels, {@code first-last}. The same numbers as the TCP range by
     * default: UDP and TCP ports are apart, so the firewall publishes the one range for both.
     */
    @WithDefault("20000-20999")
    @WithConverter(PortRange.Converter.class)
    PortRange portRange();

    /** Host in the {@code udp://host:port} addresses handed out; defaults to {@code tcp.public-host}, then {@code http.domain}. */
    Optional<String> publicHost();

    /** Most visitor flows (address and port) one UDP tunnel tracks; a datagram from one more is dropped and counted. */
    @WithDefault("1024")
    @Positive
    int maxFlowsPerTunnel();

    /** A flow with no datagram either way for this long is forgotten; replies after it are dropped. */
    @WithDefault("60s")
    @DurationMin(millis = 1)
    Duration flowIdleTimeout();

    /** Largest datagram payload carried, in bytes (at most 65507, UDP's largest over IPv4); a larger one is dropped and counted. */
    @WithDefault("65507")
    @Positive
    @Max(65507)
    int maxDatagramSize();

    /**
     * Kernel receive buffer (SO_RCVBUF) of each UDP tunnel's public socket, between 4K and 64M: the
     * datagrams that may wait while the gateway is busy; beyond it the kernel drops them. Linux caps it
     * at {@code net.core.rmem_max}.
     */
    @WithDefault("1M")
    MemorySize socketReceiveBuffer();

    /** Ports tried (claimed in the registry and bound) before giving up on a port from the range. */
    @WithDefault("50")
    @Positive
    int allocationAttempts();
}
