package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/** Heartbeat on agent connections. */
public interface HeartbeatConfig {
    /** How often the gateway sends PING. */
    @WithDefault("10s")
    @DurationMin(millis = 1)
    Duration interval();

    /** A connection that sends nothing for this long is closed and its tunnels freed. */
    @WithDefault("30s")
    Duration timeout();
}
