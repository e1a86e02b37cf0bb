package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;

/** Series per tunnel and per client; every tunnel adds series, so they are opt-in and bounded. */
public interface MetricsConfig {
    /** Bytes and requests per tunnel ({@code porthole_gateway_tunnel_*}) and per client ({@code porthole_gateway_client_*}). */
    @WithDefault("false")
    boolean perTunnel();

    /** Most tunnel names with series of their own at once; the others count under {@code tunnel="other"}. */
    @WithDefault("100")
    @Positive
    int maxTunnels();

    /** Most client ids with series of their own at once; the others count under {@code client="other"}. */
    @WithDefault("100")
    @Positive
    int maxClients();
}
