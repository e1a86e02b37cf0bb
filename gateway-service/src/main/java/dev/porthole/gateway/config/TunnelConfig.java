package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/** Limits of the tunnel connection. */
public interface TunnelConfig {
    /** Largest frame on an agent connection, header included; both ends must agree (the smaller wins). */
    @WithDefault("256K")
    MemorySize maxFrameSize();

    /** Bytes each new stream may have in flight towards the gateway; the gateway buffers at most this per stream at first. */
    @WithDefault("256K")
    MemorySize initialWindow();

    /**
     * Most credit one stream's window may grow to while it carries a bulk transfer (its reader
     * keeps up and its sender waits for credit); at most four streams of a connection at once.
     * Not above initial-window: a fixed window.
     */
    @WithDefault("4M")
    MemorySize maxWindow();

    /** Most concurrent streams (visitors) on one agent connection. */
    @WithDefault("1024")
    @Positive
    int maxStreamsPerSession();

    /** Most tunnels one agent connection may hold. */
    @WithDefault("32")
    @Positive
    int maxTunnelsPerSession();

    /** How long an agent has to send HELLO after the WebSocket opens. */
    @WithDefault("10s")
    @DurationMin(millis = 1)
    Duration handshakeTimeout();
}
