package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/** Forwarding between gateway instances; off unless {@code internal-address} is set. */
public interface ClusterConfig {
    /**
     * {@code host:port} (or just a host: the public port) at which the other instances reach this one's public
     * listener, published in Redis ({@code gateway:<instance-id>}); unset means a single gateway: no
     * forwarding, nothing published.
     */
    Optional<String> internalAddress();

    /** How long the forwarding instance waits for a TCP connection to the holding instance. */
    @WithDefault("2s")
    @DurationMin(millis = 1)
    Duration connectTimeout();

    /** Most pooled connections from this instance to each other instance. */
    @WithDefault("64")
    @Positive
    int maxConnectionsPerPeer();

    /** Mutual TLS between the gateways of the cluster; off unless its three files are set. */
    MtlsConfig mtls();
}
