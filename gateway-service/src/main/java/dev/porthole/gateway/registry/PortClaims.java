package dev.porthole.gateway.registry;

import dev.porthole.gateway.config.PortRange;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * Decides and takes public ports of one kind (TCP or UDP): checks a request against the client's
 * port grants and the gateway's range, claims the port in the registry (cluster-wide) and binds it
 * here. A port from the range is found by trying free ones from a random starting point. TCP and
 * UDP differ only in their words, their registry keys and their sockets ({@link Sockets}).
 */
public final class PortClaims {

    /** The local side of a kind of port: whether one is bound here, and binding one for a tunnel. */
    public interface Sockets {
        boolean isBound(int port);

        /** Binds {@code port} for {@code tunnel}; fails when the host will not have it. */
        Future<?> bind(int port, String tunnel, TunnelOwner owner);
    }

    /** How a kind of port is named: in messages ({@code TCP}), in the registry, as a tunnel, as an address. */
    public record Naming(
            TunnelKind kind,
            String word,
            IntFunction<TunnelKey> key,
            IntFunction<String> tunnelName,
            IntFunction<String> address) {}

    private final Naming naming;
    private final TunnelRegistry registry;
    private final Holders holders;
    private final Sockets sockets;
    private final PortRange range;
    private final int attempts;
    private final RandomGenerator random = new SecureRandom();

    public PortClaims(
            Naming naming, TunnelRegistry registry, Holders holders, Sockets sockets, PortRange range, int attempts) {
        this.naming = naming;
        this.registry = registry;
        this.holders = holders;
        this.sockets = sockets;
        this.range = range;
        this.attempts = attempts;
    }

    /**
     * Claims a public port for a session.
     *
     * @param rangePortsHeld ports of this kind the session already took on the strength of {@link Grants#tcpPortCount()}
     */
    public Future<ClaimResult> claim(
            TunnelRequest request, String clientId, Grants grants, Route route, TunnelOwner owner, int rangePortsHeld) {
        String word = naming.word();
        boolean fromCount = grants.tcpPortCount() > rangePortsHeld;
        int port = request.port();
        if (port == 0) {
            if (!fromCount) {
                return ClaimResult.refused(
                        request,
                        TunnelResult.FORBIDDEN,
                        grants.tcpPortCount() == 0 && grants.tcpPorts().isEmpty()
                                ? "client '" + clientId + "' may not open " + word
                                        + " tunnels; ask an administrator to grant ports"
                                : "client '" + clientId + "' may take " + grants.tcpPortCount() + " " + word
                                        + " port(s) from the range and has them; ask for one of "
                                        + grants.tcpPorts() + " with --port");
            }
            return allocate(request, route, owner, random.nextInt(range.size()), 0, 0);
        }
        if (!range.contains(port)) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.INVALID,
                    "port " + port + " is outside this gateway's " + word + " range " + range
                            + "; ask for a port in it, or leave --port out for a free one");
        }
        if (!grants.allowsTcpPort(port) && !fromCount) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "client '" + clientId + "' may not open " + word + " port " + port
                            + "; ask an administrator to grant it, or leave --port out");
        }
        return registry.claim(naming.key().apply(port), route)
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
                                                word + " port " + port + " is " + whose.text()
                                                        + (whose.yours() ? "; stop that agent, or" : ";")
                                                        + " leave --port out to get a free one")));
                            case ClaimOutcome.Reserved reserved ->
                                ClaimResult.refused(
                                        request,
                                        TunnelResult.FORBIDDEN,
                                        word + " port " + port
                                                + " is granted to another client; leave --port out to get a free one");
                        },
                        error -> unavailable(request, error));
    }

    /** Tries the range's ports in order from a random offset, skipping those bound here already and those granted to other clients. */
    private Future<ClaimResult> allocate(
            TunnelRequest request, Route route, TunnelOwner owner, int offset, int scanned, int tried) {
        if (scanned >= range.size() || tried >= attempts) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.UNAVAILABLE,
                    "no free " + naming.word() + " port in " + range + " after trying " + tried + "; try again later");
        }
        int port = range.first() + (offset + scanned) % range.size();
        if (sockets.isBound(port)) {
            return allocate(request, route, owner, offset, scanned + 1, tried);
        }
        return registry.claim(naming.key().apply(port), route)
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
        String name = naming.tunnelName().apply(port);
        return sockets.bind(port, name, owner)
                .map(bound -> new ClaimResult(
                        TunnelResult.granted(
                                naming.kind(), name, port, naming.address().apply(port)),
                        previous))
                .recover(error -> {
                    Log.warnf("cannot bind %s port %d: %s", naming.word(), port, error.getMessage());
                    // The claim is given back before the answer, so that nobody sees a port held that nobody serves.
                    return registry.release(naming.key().apply(port), route)
                            .transform(released -> ClaimResult.refused(
                                    request,
                                    TunnelResult.CONFLICT,
                                    naming.word() + " port " + port + " is in use on the gateway host ("
                                            + error.getMessage() + "); leave --port out to get a free one"));
                });
    }

    private Future<ClaimResult> unavailable(TunnelRequest request, Throwable error) {
        return ClaimResult.registryUnavailable(request, naming.word() + " port " + request.port(), error);
    }
}
