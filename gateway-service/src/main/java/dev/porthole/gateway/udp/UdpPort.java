package dev.porthole.gateway.udp;

import dev.porthole.gateway.config.UdpConfig;
import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.mux.Datagrams;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import java.util.Locale;

/**
 * The public socket of one UDP tunnel: each visitor datagram goes to the agent session that owns the
 * port as a DATAGRAM of the visitor's flow, and each answer back to that visitor from this socket.
 * Nothing here waits: what cannot go on at once (too large, too many flows, the agent connection's
 * write queue full) is dropped and counted.
 */
public final class UdpPort {

    /**
     * The socket's read buffer: larger than any UDP datagram, so that none is cut short silently
     * (Netty reads datagrams into 2 KiB buffers unless told otherwise).
     */
    static final int READ_BUFFER = 65536;

    private final int port;
    private final String tunnel;
    private final UdpConfig config;
    private final GatewayMetrics metrics;
    private final FlowTable<SocketAddress> flows;
    private volatile TunnelOwner owner;
    private volatile boolean accepting = true;
    private DatagramSocket socket;
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
        DatagramSocket created = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setReceiveBufferSize(READ_BUFFER)
                .setIpV6(config.host().contains(":")));
        this.socket = created;
        created.handler(this::fromVisitor);
        long sweep = Math.max(250, config.flowIdleTimeout().toMillis() / 4);
        return created.listen(port, config.host()).map(bound -> {
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

    private void fromVisitor(DatagramPacket packet) {
        Buffer data = packet.data();
        TunnelOwner current = owner;
        if (!accepting || current == null) {
            metrics.udpDropped("closed");
            return;
        }
        if (data.length() > config.maxDatagramSize()) {
            metrics.udpDropped("too-large");
            Log.debugf(
                    "tunnel '%s' (UDP port %d): dropped a datagram of %d bytes from %s, larger than %d",
                    tunnel, port, data.length(), packet.sender(), config.maxDatagramSize());
            return;
        }
        FlowTable.Flow<SocketAddress> flow = flows.flowFor(packet.sender());
        if (flow == null) {
            metrics.udpDropped("flows");
            try (LogFields fields = LogFields.of(current.clientId(), tunnel)) {
                Log.debugf(
                        "tunnel '%s' (UDP port %d): dropped a datagram from %s, %d flows is the limit",
                        tunnel, port, packet.sender(), config.maxFlowsPerTunnel());
            }
            return;
        }
        Datagrams lane = current.datagrams();
        if (lane == null) {
            counted(Datagrams.Outcome.CLOSED);
            return;
        }
        lane.send(new Datagram(flow.id, tunnel, data), this::counted);
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
        FlowTable.Flow<SocketAddress> flow = flows.byId(flowId);
        if (flow == null) {
            metrics.udpDropped("no-flow");
            return;
        }
        metrics.udpDatagram("out");
        socket.send(payload, flow.visitor.port(), flow.visitor.hostAddress());
    }
}
