package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;
import java.util.OptionalInt;

/** Limits on what visitors and agents may send through tunnels. */
public interface LimitsConfig {
    /** Bandwidth limits; each is bytes per second (like {@code 10M}), absent for no limit. */
    BandwidthConfig bandwidth();

    /** Most concurrent streams (HTTP requests and TCP connections) on one tunnel; the next visitor gets 503. */
    @WithDefault("1000")
    @Positive
    int streamsPerTunnel();

    /** Most requests per second to one HTTP tunnel; beyond it visitors get 429 with Retry-After. Absent: no limit. */
    @Positive
    OptionalInt requestsPerSecondPerTunnel();

    /** Largest request body a visitor may send through an HTTP tunnel; larger gets 413. */
    @WithDefault("100M")
    MemorySize maxBodySize();
}
