package dev.porthole.gateway.health;

import dev.porthole.gateway.ingress.PublicHttpServer;
import dev.porthole.gateway.shutdown.Draining;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the public port listens and the gateway is not stopping: Quarkus's management
 * server answers before the public listener is up, and a load balancer that checks readiness
 * must stop sending new connections the moment SIGTERM arrives, before the drain begins.
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    static final String NAME = "public-listener";

    private final PublicHttpServer server;
    private final Draining draining;

    GatewayReadiness(PublicHttpServer server, Draining draining) {
        this.server = server;
        this.draining = draining;
    }

    @Override
    public HealthCheckResponse call() {
        if (draining.stopping()) {
            return HealthCheckResponse.named(NAME)
                    .down()
                    .withData("state", "stopping: draining, then exiting")
                    .build();
        }
        if (!server.listening()) {
            return HealthCheckResponse.named(NAME)
                    .down()
                    .withData("state", "starting: the public port is not listening yet")
                    .build();
        }
        return HealthCheckResponse.named(NAME).up().build();
    }
}
