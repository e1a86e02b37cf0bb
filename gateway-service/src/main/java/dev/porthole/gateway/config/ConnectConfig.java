package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;

/** HTTP CONNECT to private tunnels, authenticated with an agent token and checked against the dial grants. */
public interface ConnectConfig {
    /** Whether a {@code CONNECT name:port} on the public listener reaches private tunnels; off: {@code 405}. */
    @WithDefault("true")
    boolean enabled();
}
