package dev.porthole.gateway.tcp;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.PortRange;
import dev.porthole.gateway.registry.ClaimResult;
import dev.porthole.gateway.registry.Holders;
import dev.porthole.gateway.registry.PortClaims;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.gateway.registry.TunnelRegistry;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Decides and takes public TCP ports: checks a request against the client's grants and the
 * gateway's range, claims the port in the registry (cluster-wide) and binds it here. A port from
 * the range is found by trying free ones from a random starting point.
 */
@ApplicationScoped
public class TcpClaims {

    private final PortRange range;
    private final String publicHost;
    private final PortClaims claims;

    public TcpClaims(TunnelRegistry registry, PortListeners listeners, GatewayConfig config, Holders holders) {
        this.range = config.tcp().portRange();
        this.publicHost = config.tcp().publicHost().orElse(config.http().domain());
        this.claims = new PortClaims(
                new PortClaims.Naming(TunnelKind.TCP, "TCP", TunnelKey::tcpPort, TcpClaims::tunnelName, this::address),
                registry,
                holders,
                listeners,
                range,
                config.tcp().allocationAttempts());
    }

    /** The name a public TCP tunnel is known by in OPEN frames and events. */
    public static String tunnelName(int port) {
        return "tcp-" + port;
    }

    /** {@code tcp://host:port}, with brackets around an IPv6 host. */
    public String address(int port) {
        return "tcp://" + (publicHost.indexOf(':') >= 0 ? "[" + publicHost + "]" : publicHost) + ":" + port;
    }

    public PortRange range() {
        return range;
    }

    /**
     * Claims a public TCP port for a session.
     *
     * @param rangePortsHeld ports this session already took on the strength of {@link Grants#tcpPortCount()}
     */
    public Future<ClaimResult> claim(
            TunnelRequest request, String clientId, Grants grants, Route route, TunnelOwner owner, int rangePortsHeld) {
        return claims.claim(request, clientId, grants, route, owner, rangePortsHeld);
    }
}
