package dev.porthole.gateway.udp;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.PortRange;
import dev.porthole.gateway.registry.ClaimOutcome;
import dev.porthole.gateway.registry.ClaimResult;
import dev.porthole.gateway.registry.Holders;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.gateway.registry.TunnelRegistry;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * Decides and takes public UDP ports: checks a request against the client's port grants (the TCP
 * ones, counted apart) and the gateway's UDP range, claims the port in the registry
 * ({@code route:udp:<port>}) and binds it here.
 */
@ApplicationScoped
public class UdpClaims {

    private static final String PREFIX = "udp-";

    private final TunnelRegistry registry;
    private final Holders holders;
    private final UdpPorts ports;
    private final PortRange range;
    private final String publicHost;
    private final int attempts;
    private final RandomGenerator random = new SecureRandom();

    public UdpClaims(TunnelRegistry registry, UdpPorts ports, GatewayConfig config, Holders holders) {
        this.registry = registry;
        this.holders = holders;
        this.ports = ports;
        this.range = config.udp().portRange();
        this.publicHost = config.udp()
                .publicHost()
                .or(() -> config.tcp().publicHost())
                .orElse(config.http().domain());
        this.attempts = config.udp().allocationAttempts();
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
        boolean fromCount = grants.tcpPortCount() > rangePortsHeld;
        int port = request.port();
        if (port == 0) {
            if (!fromCount) {
                return refused(
                        request,
                        TunnelResult.FORBIDDEN,
                        grants.tcpPortCount() == 0 && grants.tcpPorts().isEmpty()
                                ? "client '" + clientId
                                        + "' may not open UDP tunnels; ask an administrator to grant ports"
                                : "client '" + clientId + "' may take " + grants.tcpPortCount()
                                        + " UDP port(s) from the range and has them; ask for one of "
                                        + grants.tcpPorts() + " with --port");
            }
            return allocate(request, route, owner, random.nextInt(range.size()), 0, 0);
        }
        if (!range.contains(port)) {
            return refused(
                    request,
                    TunnelResult.INVALID,
                    "port " + port + " is outside this gateway's UDP range " + range
                            + "; ask for a port in it, or leave --port out for a free one");
        }
        if (!grants.allowsTcpPort(port) && !fromCount) {
            return refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "client '" + clientId + "' may not open UDP port " + port
                            + "; ask an administrator to grant it, or leave --port out");
        }
        return registry.claim(TunnelKey.udpPort(port), route)
                .compose(
                        outcome -> switch (outcome) {
                            case ClaimOutcome.Claimed _, ClaimOutcome.Joined _ ->
                                bind(request, port, route, owner, null);
                            case ClaimOutcome.TookOver tookOver ->
                                bind(request, port, route, owner, tookOver.previous());
                            case ClaimOutcome.Taken taken ->
                                holders.heldBy(taken.holder(), clientId)
                                        .map(whose -> ClaimResult.of(TunnelResult.refused(
                                                request,
                                                TunnelResult.CONFLICT,
                                                "UDP port " + port + " is " + whose.text()
                                                        + (whose.yours() ? "; stop that agent, or" : ";")
                                                        + " leave --port out to get a free one")));
                            case ClaimOutcome.Reserved reserved ->
                                refused(
                                        request,
                                        TunnelResult.FORBIDDEN,
                                        "UDP port " + port
                                                + " is granted to another client; leave --port out to get a free one");
                        },
                        error -> unavailable(request, error));
    }

    private Future<ClaimResult> allocate(
            TunnelRequest request, Route route, TunnelOwner owner, int offset, int scanned, int tried) {
        if (scanned >= range.size() || tried >= attempts) {
            return refused(
                    request,
                    TunnelResult.UNAVAILABLE,
                    "no free UDP port in " + range + " after trying " + tried + "; try again later");
        }
        int port = range.first() + (offset + scanned) % range.size();
        if (ports.isBound(port)) {
            return allocate(request, route, owner, offset, scanned + 1, tried);
        }
        return registry.claim(TunnelKey.udpPort(port), route)
                .compose(
                        outcome -> switch (outcome) {
                            case ClaimOutcome.Claimed _, ClaimOutcome.Joined _ ->
                                bind(request, port, route, owner, null)
                                        .compose(claim -> claim.result().granted()
                                                ? Future.succeededFuture(claim)
                                                : allocate(request, route, owner, offset, scanned + 1, tried + 1));
                            case ClaimOutcome.TookOver tookOver ->
                                bind(request, port, route, owner, tookOver.previous());
                            case ClaimOutcome.Taken _, ClaimOutcome.Reserved _ ->
                                allocate(request, route, owner, offset, scanned + 1, tried + 1);
                        },
                        error -> unavailable(request, error));
    }

    private Future<ClaimResult> bind(TunnelRequest request, int port, Route route, TunnelOwner owner, Route previous) {
        String name = tunnelName(port);
        return ports.bind(port, name, owner)
                .map(bound ->
                        new ClaimResult(TunnelResult.granted(TunnelKind.UDP, name, port, address(port)), previous))
                .recover(error -> {
                    Log.warnf("cannot bind UDP port %d: %s", port, error.getMessage());
                    return registry.release(TunnelKey.udpPort(port), route)
                            .transform(released -> refused(
                                    request,
                                    TunnelResult.CONFLICT,
                                    "UDP port " + port + " is in use on the gateway host (" + error.getMessage()
                                            + "); leave --port out to get a free one"));
                });
    }

    private static Future<ClaimResult> unavailable(TunnelRequest request, Throwable error) {
        Log.warnf("tunnel registry unavailable while claiming UDP port %d: %s", request.port(), error.getMessage());
        return refused(
                request,
                TunnelResult.UNAVAILABLE,
                "the tunnel registry is unavailable right now; the agent will try again");
    }

    private static Future<ClaimResult> refused(TunnelRequest request, int status, String message) {
        return Future.succeededFuture(ClaimResult.of(TunnelResult.refused(request, status, message)));
    }
}
