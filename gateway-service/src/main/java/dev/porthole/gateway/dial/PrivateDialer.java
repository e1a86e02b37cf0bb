package dev.porthole.gateway.dial;

import dev.porthole.gateway.cluster.PeerStreams;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.logging.LogBudget;
import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.gateway.udp.UdpDials;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.UdpDial;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.StreamResetException;
import dev.porthole.protocol.registry.TunnelNames;
import dev.porthole.protocol.relay.HalfCloseSocket;
import dev.porthole.protocol.relay.RelayEnd;
import dev.porthole.protocol.relay.Splice;
import dev.porthole.protocol.relay.StreamEnd;
import io.quarkus.logging.Log;
import io.vertx.core.AsyncResult;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetSocket;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/**
 * Connects a stream that an agent opened ({@code porthole connect}) to the private tunnel it names:
 * opens a stream to the publishing agent and relays the two streams both ways. The dialer's grants
 * are checked on every stream, not once per session, so that a session can never reach a tunnel
 * it was not granted by naming it in a later OPEN. A dial of a private UDP tunnel ({@link UdpDial})
 * passes the same checks and is then held by {@link UdpDials}. In a cluster, a dial of a tunnel published on
 * another instance is checked here and carried there ({@link PeerStreams}).
 */
@ApplicationScoped
public class PrivateDialer {

    private final LocalRoutes routes;
    private final GatewayMetrics metrics;
    private final PeerStreams peers;
    private final String instanceId;
    private final UdpDials udpDials;

    public PrivateDialer(
            LocalRoutes routes,
            GatewayMetrics metrics,
            PeerStreams peers,
            GatewayInstance instance,
            UdpDials udpDials) {
        this.udpDials = udpDials;
        this.routes = routes;
        this.metrics = metrics;
        this.peers = peers;
        this.instanceId = instance.id();
    }

    /**
     * Serves or refuses one dial; every refusal is a reset whose message the dialing agent logs. The
     * gateway logs refusals within the dialing session's {@code refusals} budget.
     */
    public void dial(Principal dialer, MuxStream stream, Open open, LogBudget refusals) {
        String name = open.tunnel().toLowerCase(Locale.ROOT);
        boolean udp = UdpDial.isUdpDial(open);
        if (open.request() != null && !udp) {
            stream.reset(ResetCode.STREAM_ERROR, "a dial carries raw TCP, not an HTTP request");
            return;
        }
        // Checked before the name is used or logged: a name is one DNS label, so it cannot carry a line break into the
        // log.
        String problem = TunnelNames.problem(name);
        if (problem != null) {
            if (refusals.allow()) {
                try (LogFields fields = LogFields.client(dialer.clientId())) {
                    Log.infof(
                            "client %s dialed '%s', which is no tunnel name; stream %d refused",
                            dialer.clientId(), PeerText.escape(open.tunnel()), stream.id());
                }
            }
            metrics.tcpConnection("refused");
            stream.reset(ResetCode.NO_SUCH_TUNNEL, "not a tunnel name: " + problem);
            return;
        }
        if (!dialer.grants().allowsDial(name)) {
            if (refusals.allow()) {
                try (LogFields fields = LogFields.of(dialer.clientId(), name)) {
                    Log.infof(
                            "client %s may not dial private tunnel '%s'; stream %d refused",
                            dialer.clientId(), name, stream.id());
                }
            }
            metrics.tcpConnection("forbidden");
            stream.reset(
                    ResetCode.FORBIDDEN,
                    "client '" + dialer.clientId() + "' may not dial private tunnel '" + name
                            + "'; ask an administrator to grant it");
            return;
        }
        if (udp) {
            udpDials.accept(stream, name);
            return;
        }
        TunnelOwner owner = routes.privateTunnel(name).orElse(null);
        // The dialer's own word for where it dials from: passed on to the publishing agent, and logged, escaped.
        String source = "client " + dialer.clientId() + " at " + PeerText.escape(open.source());
        if (owner == null && peers.enabled()) {
            carry(dialer, stream, name, source, refusals);
            return;
        }
        if (owner == null) {
            stream.reset(ResetCode.NO_SUCH_TUNNEL, "no agent publishes private tunnel '" + name + "' on this gateway");
            return;
        }
        TunnelLimits limits = owner.limits(name);
        if (!limits.openStream()) {
            metrics.tcpConnection("refused");
            stream.reset(
                    ResetCode.LIMIT_REACHED,
                    "private tunnel '" + name + "' has " + limits.maxStreams()
                            + " connections open, its limit; try again later");
            return;
        }
        serve(owner, limits, new StreamEnd(stream), name, source);
    }

    /**
     * A dial of a private tunnel this instance does not publish: carried to the instance that does,
     * once the dialer's grant was checked here (the instance that authenticated it). The holder
     * applies the tunnel's limits.
     */
    private void carry(Principal dialer, MuxStream stream, String name, String source, LogBudget refusals) {
        peers.open(TunnelKey.privateTunnel(name), source).onComplete(carried -> {
            if (carried.failed()) {
                ResetCode code =
                        carried.cause() instanceof StreamResetException reset ? reset.code() : ResetCode.INTERNAL;
                if (refusals.allow()) {
                    try (LogFields fields = LogFields.of(dialer.clientId(), name)) {
                        Log.infof(
                                "dial of private tunnel '%s' by client %s (stream %d) refused: %s",
                                name,
                                dialer.clientId(),
                                stream.id(),
                                carried.cause().getMessage());
                    }
                }
                metrics.tcpConnection("refused");
                stream.reset(code, carried.cause().getMessage());
                return;
            }
            relayCarried(new StreamEnd(stream), carried.result(), name, source);
        });
    }

    /** Relays a dial to the stream another instance carries to the publishing agent (the holder applies the limits). */
    void relayCarried(RelayEnd dial, NetSocket carried, String name, String source) {
        Splice.join(dial, HalfCloseSocket.wrap(carried)).onComplete(result -> ended(result, name, source));
    }

    /**
     * Serves a dial another instance carried here after checking the dialer's grant: refused with a
     * status when the tunnel is not published here (the agent moved; a dial is carried once only)
     * or is at its limit.
     */
    public void acceptFromPeer(HttpServerRequest request, String tunnel, String source) {
        String name = tunnel.toLowerCase(Locale.ROOT);
        TunnelOwner owner = routes.privateTunnel(name).orElse(null);
        if (owner == null) {
            PeerStreams.refusal(
                    request,
                    502,
                    ResetCode.NO_SUCH_TUNNEL,
                    "no agent publishes private tunnel '" + name + "' on gateway " + instanceId
                            + " any more; a dial is carried between gateways at most once");
            return;
        }
        TunnelLimits limits = owner.limits(name);
        if (!limits.openStream()) {
            metrics.tcpConnection("refused");
            PeerStreams.refusal(
                    request,
                    503,
                    ResetCode.LIMIT_REACHED,
                    "private tunnel '" + name + "' has " + limits.maxStreams()
                            + " connections open, its limit; try again later");
            return;
        }
        peers.accept(request)
                .onSuccess(socket -> serve(owner, limits, HalfCloseSocket.wrap(socket), name, source))
                .onFailure(error -> {
                    limits.closeStream();
                    Log.debugf(
                            "dial of private tunnel '%s' carried from another gateway failed before it started: %s",
                            name, error.getMessage());
                });
    }

    /** Joins a dial holding a stream slot to a new stream to the publishing agent. */
    void serve(TunnelOwner owner, TunnelLimits limits, RelayEnd dial, String name, String source) {
        MuxStream outbound = owner.openStream(name, source, null, false);
        Splice.join(limits.paced(dial, true), limits.paced(new StreamEnd(outbound), false))
                .onComplete(result -> {
                    limits.closeStream();
                    ended(result, name, source);
                });
    }

    private void ended(AsyncResult<Void> result, String name, String source) {
        metrics.tcpConnection(result.succeeded() ? "closed" : "broken");
        if (result.failed()) {
            Log.debugf(
                    "dial of private tunnel '%s' by %s ended: %s",
                    name, source, result.cause().getMessage());
        }
    }
}
