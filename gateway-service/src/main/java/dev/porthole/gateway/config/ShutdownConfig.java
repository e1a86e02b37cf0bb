package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/** Graceful shutdown: stop accepting, send agents elsewhere, let open requests finish. */
public interface ShutdownConfig {
    /**
     * How long the gateway goes on serving as usual after SIGTERM, with readiness already down,
     * so that load balancers and Kubernetes endpoints stop sending it new connections before
     * the drain starts (what a Kubernetes preStop sleep does). The drain timeout follows it:
     * keep both together below the orchestrator's grace period.
     */
    @WithDefault("5s")
    @DurationMin(millis = 0, message = "must be 0s or more")
    Duration preDrainDelay();

    /**
     * How long open HTTP requests and TCP connections may go on after SIGTERM; what is still
     * open then is cut. Keep it below the orchestrator's grace period (Kubernetes: 30 s).
     */
    @WithDefault("20s")
    @DurationMin(millis = 0, message = "must be 0s or more")
    Duration drainTimeout();
}
