package dev.porthole.gateway.tcp;

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
 * Decides and takes public TCP ports: checks a request against the client's grants and the
 * gateway's range, claims the port in the registry (cluster-wide) and binds it here. A port from
 * the range is found by trying free ones from a random starting point.
 */
@ApplicationScoped
public class TcpClaims {

    private final TunnelRegistry registry;
    private final Holders holders;
    private final PortListeners listeners;
    private final PortRange range;
    private final String publicHost;
    private final int attempts;
    private final RandomGenerator random;

    public TcpClaims(TunnelRegistry registry, PortListeners listeners, GatewayConfig config, Holders holders) {
        this.registry = registry;
        this.holders = holders;
        this.listeners = listeners;
        this.range = config.tcp().portRange();
        this.publicHost = config.tcp().publicHost().orElse(config.http().domain());
        this.attempts = config.tcp().allocationAttempts();
        this.random = new SecureRandom();
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
     * Claims a public port for a session.
     *
     * @param rangePortsHeld ports this session already took on the strength of {@link Grants#tcpPortCount()}
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
                                        + "' may not open TCP tunnels; ask an administrator to grant TCP ports"
                                : "client '" + clientId + "' may take " + grants.tcpPortCount()
                                        + " port(s) from the range and has them; ask for one of " + grants.tcpPorts()
                                        + " with --port");
            }
            return allocate(request, route, owner, random.nextInt(range.size()), 0, 0);
        }
        if (!range.contains(port)) {
            return refused(
                    request,
                    TunnelResult.INVALID,
                    "port " + port + " is outside this gateway's TCP range " + range
                            + "; ask for a port in it, or leave --port out for a free one");
        }
        if (!grants.allowsTcpPort(port) && !fromCount) {
            return refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "client '" + clientId + "' may not open TCP port " + port
                            + "; ask an administrator to grant it, or leave --port out");
        }
        return registry.claim(TunnelKey.tcpPort(port), route)
                .compose(
                        outcome -> switch (outcome) {
                            // Joined does not happen: only HTTP names have several holders (RedisTunnelRegistry).
                            case ClaimOutcome.Claimed _, ClaimOutcome.Joined _ ->
                                bind(request, port, route, owner, null);
                            case ClaimOutcome.TookOver tookOver ->
                                bind(request, port, route, owner, tookOver.previous());
                            case ClaimOutcome.Taken taken ->
                                holders.heldBy(taken.holder(), clientId)
                                        .map(whose -> ClaimResult.of(TunnelResult.refused(
                                                request,
                                                TunnelResult.CONFLICT,
                                                "TCP port " + port + " is " + whose.text()
                                                        + (whose.yours() ? "; stop that agent, or" : ";")
                                                        + " leave --port out to get a free one")));
                            case ClaimOutcome.Reserved reserved ->
                                refused(
                                        request,
                                        TunnelResult.FORBIDDEN,
                                        "TCP port " + port
                                                + " is granted to another client; leave --port out to get a free one");
                        },
                        error -> unavailable(request, error));
    }

    /** Tries the range's ports in order from a random offset, skipping those bound here already and those granted to other clients. */
    private Future<ClaimResult> allocate(
            TunnelRequest request, Route route, TunnelOwner owner, int offset, int scanned, int tried) {
        if (scanned >= range.size() || tried >= attempts) {
            return refused(
                    request,
                    TunnelResult.UNAVAILABLE,
                    "no free TCP port in " + range + " after trying " + tried + "; try again later");
        }
        int port = range.first() + (offset + scanned) % range.size();
        if (listeners.isBound(port)) {
            return allocate(request, route, owner, offset, scanned + 1, tried);
        }
        return registry.claim(TunnelKey.tcpPort(port), route)
                .compose(
                        outcome -> switch (outcome) {
                            case ClaimOutcome.Claimed _, ClaimOutcome.Joined _ ->
                                bind(request, port, route, owner, null)
                                        .compose(claim -> claim.result().granted()
                                                ? Future.succeededFuture(claim)
                                                : allocate(request, route, owner, offset, scanned + 1, tried + 1));
                            case ClaimOutcome.TookOver tookOver ->
                                bind(request, port, route, owner, tookOver.previous());
                            case ClaimOutcome.Taken taken ->
                                allocate(request, route, owner, offset, scanned + 1, tried + 1);
                            case ClaimOutcome.Reserved reserved ->
                                allocate(request, route, owner, offset, scanned + 1, tried + 1);
                        },
                        error -> unavailable(request, error));
    }

    private Future<ClaimResult> bind(TunnelRequest request, int port, Route route, TunnelOwner owner, Route previous) {
        String name = tunnelName(port);
        return listeners
                .bind(port, name, owner)
                .map(bound ->
                        new ClaimResult(TunnelResult.granted(TunnelKind.TCP, name, port, address(port)), previous))
                .recover(error -> {
                    Log.warnf("cannot listen on TCP port %d: %s", port, error.getMessage());
                    // The claim is given back before the answer, so that nobody sees a port held that nobody serves.
                    return registry.release(TunnelKey.tcpPort(port), route)
                            .transform(released -> refused(
                                    request,
                                    TunnelResult.CONFLICT,
                                    "TCP port " + port + " is in use on the gateway host (" + error.getMessage()
                                            + "); leave --port out to get a free one"));
                });
    }

    private static Future<ClaimResult> unavailable(TunnelRequest request, Throwable error) {
        Log.warnf("tunnel registry unavailable while claiming TCP port %d: %s", request.port(), error.getMessage());
        return refused(
                request,
                TunnelResult.UNAVAILABLE,
                "the tunnel registry is unavailable right now; the agent will try again");
    }

    private static Future<ClaimResult> refused(TunnelRequest request, int status, String message) {
        return Future.succeededFuture(ClaimResult.of(TunnelResult.refused(request, status, message)));
    }
}
