package dev.porthole.gateway.udp;

import dev.porthole.gateway.config.GatewayConfig;
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
 * Decides and takes public UDP ports: checks a request against the client's port grants (the TCP
 * ones, counted apart) and the gateway's UDP range, claims the port in the registry
 * ({@code route:udp:<port>}) and binds it here.
 */
@ApplicationScoped
public class UdpClaims {

    private static final String PREFIX = "udp-";

    private final String publicHost;
    private final PortClaims claims;

    public UdpClaims(TunnelRegistry registry, UdpPorts ports, GatewayConfig config, Holders holders) {
        this.publicHost = config.udp()
                .publicHost()
                .or(() -> config.tcp().publicHost())
                .orElse(config.http().domain());
        this.claims = new PortClaims(
                new PortClaims.Naming(TunnelKind.UDP, "UDP", TunnelKey::udpPort, UdpClaims::tunnelName, this::address),
                registry,
                holders,
                ports,
                config.udp().portRange(),
                config.udp().allocationAttempts());
    }

    /** The name a public UDP tunnel is known by in DATAGRAM frames and events. */
    public static String tunnelName(int port) {
        return PREFIX + port;
    }

    /** The port of a public UDP tunnel's name, or -1. */
    static int portOf(String tunnel) {
        if (!tunnel.startsWith(PREFIX) || tunnel.length() > PREFIX.length() + 5) {
            return -1;
        }
        try {
            return Integer.parseInt(tunnel.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code udp://host:port}, with brackets around an IPv6 host. */
    public String address(int port) {
        return "udp://" + (publicHost.indexOf(':') >= 0 ? "[" + publicHost + "]" : publicHost) + ":" + port;
    }

    /**
     * Claims a public UDP port for a session.
     *
     * @param rangePortsHeld UDP ports this session already took on the strength of {@link Grants#tcpPortCount()}
     */
    public Future<ClaimResult> claim(
            TunnelRequest request, String clientId, Grants grants, Route route, TunnelOwner owner, int rangePortsHeld) {
        return claims.claim(request, clientId, grants, route, owner, rangePortsHeld);
    }
}
