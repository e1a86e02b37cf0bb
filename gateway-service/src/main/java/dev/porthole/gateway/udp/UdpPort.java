package dev.porthole.gateway.udp;

import dev.porthole.gateway.config.UdpConfig;
import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.mux.Datagrams;
import dev.porthole.protocol.relay.UdpSocket;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * The public socket of one UDP tunnel: each visitor datagram goes to the agent session that owns the
 * port as a DATAGRAM of the visitor's flow, and each answer back to that visitor from this socket.
 * Nothing here waits: what cannot go on at once (too large, too many flows, the agent connection's
 * write queue full) is dropped and counted. The socket reads on the event loop of the agent
 * connection that owned the port when it was bound, so that a datagram read goes into a DATAGRAM
 * frame and onto that connection in the same turn of the loop, and the frames of one turn leave in
 * one write.
 */
public final class UdpPort {

    private final int port;
    private final String tunnel;
    private final UdpConfig config;
    private final GatewayMetrics metrics;
    private final FlowTable<InetSocketAddress> flows;
    private volatile TunnelOwner owner;
    private volatile boolean accepting = true;
    private UdpSocket socket;
    private long sweeper = -1;

    UdpPort(int port, String tunnel, UdpConfig config, GatewayMetrics metrics, TunnelOwner owner) {
        this.port = port;
        this.tunnel = tunnel;
        this.config = config;
        this.metrics = metrics;
        this.owner = owner;
        this.flows = new FlowTable<>(
                config.maxFlowsPerTunnel(), config.flowIdleTimeout().toMillis(), System::currentTimeMillis);
    }

    Future<UdpPort> listen(Vertx vertx) {
        Datagrams lane = owner.datagrams();
        Context context = lane != null ? lane.context() : vertx.getOrCreateContext();
        int receiveBuffer = (int) config.socketReceiveBuffer().asLongValue();
        long sweep = Math.max(250, config.flowIdleTimeout().toMillis() / 4);
        return UdpSocket.bind(context, config.host(), port, receiveBuffer, this::fromVisitor)
                .map(bound -> {
                    this.socket = bound;
                    sweeper = vertx.setPeriodic(sweep, id -> flows.expireIdle());
                    return this;
                });
    }

    public int port() {
        return port;
    }

    public String tunnel() {
        return tunnel;
    }

    TunnelOwner owner() {
        return owner;
    }

    void adopt(TunnelOwner newOwner) {
        this.owner = newOwner;
    }

    /** Visitor flows tracked now. */
    public int flows() {
        return flows.size();
    }

    void stopAccepting() {
        accepting = false;
    }

    Future<Void> close(Vertx vertx) {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        flows.clear();
        return socket == null ? Future.succeededFuture() : socket.close();
    }

    /** A visitor's datagram, in a pooled buffer that is released once framed or dropped. */
    private void fromVisitor(InetSocketAddress sender, Buffer data) {
        TunnelOwner current = owner;
        Datagram datagram = toAgent(current, sender, data);
        if (datagram == null) {
            Ownership.release(data);
            return;
        }
        current.datagrams().send(datagram, outcome -> {
            counted(outcome);
            Ownership.release(data);
        });
    }

    /** The DATAGRAM that carries a visitor's datagram to the agent, or null (counted) when it is dropped. */
    private Datagram toAgent(TunnelOwner current, InetSocketAddress sender, Buffer data) {
        if (!accepting || current == null) {
            metrics.udpDropped("closed");
            return null;
        }
        if (data.length() > config.maxDatagramSize()) {
            metrics.udpDropped("too-large");
            Log.debugf(
                    "tunnel '%s' (UDP port %d): dropped a datagram of %d bytes from %s, larger than %d",
                    tunnel, port, data.length(), sender, config.maxDatagramSize());
            return null;
        }
        FlowTable.Flow<InetSocketAddress> flow = flows.flowFor(sender);
        if (flow == null) {
            metrics.udpDropped("flows");
            try (LogFields fields = LogFields.of(current.clientId(), tunnel)) {
                Log.debugf(
                        "tunnel '%s' (UDP port %d): dropped a datagram from %s, %d flows is the limit",
                        tunnel, port, sender, config.maxFlowsPerTunnel());
            }
            return null;
        }
        if (current.datagrams() == null) {
            counted(Datagrams.Outcome.CLOSED);
            return null;
        }
        return new Datagram(flow.id, tunnel, data);
    }

    /** Counts a visitor's datagram once its fate is known (on the agent connection's context). */
    private void counted(Datagrams.Outcome outcome) {
        if (outcome == Datagrams.Outcome.SENT) {
            metrics.udpDatagram("in");
        } else {
            metrics.udpDropped(outcome.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }

    /** An answer from the agent for one of this tunnel's flows: sent to that visitor, or dropped if the flow is gone. */
    void toVisitor(int flowId, Buffer payload) {
        FlowTable.Flow<InetSocketAddress> flow = flows.byId(flowId);
        if (flow == null) {
            metrics.udpDropped("no-flow");
            return;
        }
        if (socket.send(payload, flow.visitor)) {
            metrics.udpDatagram("out");
        } else {
            // The socket's own send queue is full (the kernel takes nothing more for now), or it closed.
            metrics.udpDropped("socket-full");
        }
    }
}
