package dev.porthole.agent.upstream;

import dev.porthole.agent.tunnel.DatagramAcceptor;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.Datagrams;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Serves UDP tunnels: each visitor flow gets its own local socket toward the upstream, so that the
 * upstream's answers (which come to that socket) go back to that flow. A flow idle for the timeout
 * closes its socket; at most {@code maxFlows} are open per connection, beyond which datagrams are dropped.
 */
public final class UdpUpstream implements StreamAcceptor, DatagramAcceptor {

    private static final Logger LOG = Logger.getLogger(UdpUpstream.class);
    /** Read buffer of a flow's socket: larger than any datagram, so none is cut short (Netty reads 2 KiB unless told). */
    private static final int READ_BUFFER = 65536;

    private final Vertx vertx;
    private final Duration idleTimeout;
    private final int maxFlows;
    private final Map<Datagrams, Map<FlowKey, Flow>> flowsByLane = new ConcurrentHashMap<>();
    private final Map<Datagrams, Long> sweepers = new ConcurrentHashMap<>();

    /** A flow of one of the connection's tunnels, as the gateway numbered it (no String built per datagram). */
    private record FlowKey(String tunnel, int flowId) {}

    private static final class Flow {
        final DatagramSocket socket;
        volatile long lastUsed = System.nanoTime();

        Flow(DatagramSocket socket) {
            this.socket = socket;
        }
    }

    public UdpUpstream(Vertx vertx, Duration idleTimeout, int maxFlows) {
        this.vertx = vertx;
        this.idleTimeout = idleTimeout;
        this.maxFlows = maxFlows;
    }

    @Override
    public void accept(MuxStream stream, Open open, TunnelSpec tunnel) {
        stream.reset(ResetCode.NO_SUCH_TUNNEL, "'" + open.tunnel() + "' is a UDP tunnel; it carries datagrams only");
    }

    @Override
    public DatagramAcceptor datagrams() {
        return this;
    }

    @Override
    public void accept(Datagram datagram, TunnelSpec tunnel, Datagrams lane) {
        Map<FlowKey, Flow> flows = flowsByLane.computeIfAbsent(lane, this::startSweeping);
        FlowKey key = new FlowKey(datagram.tunnel(), datagram.flowId());
        Flow flow = flows.get(key);
        if (flow == null) {
            if (flows.size() >= maxFlows) {
                LOG.debugf("UDP tunnel %s: dropped a datagram, %d flows open is the limit", tunnel.name(), maxFlows);
                return;
            }
            flow = open(datagram, tunnel, lane);
            flows.put(key, flow);
        }
        flow.lastUsed = System.nanoTime();
        flow.socket.send(
                datagram.payload(), tunnel.upstream().port(), tunnel.upstream().host());
    }

    private Flow open(Datagram first, TunnelSpec tunnel, Datagrams lane) {
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setReceiveBufferSize(READ_BUFFER)
                .setIpV6(tunnel.upstream().host().contains(":")));
        Flow flow = new Flow(socket);
        int flowId = first.flowId();
        String name = first.tunnel();
        int upstreamPort = tunnel.upstream().port();
        socket.handler(packet -> {
            if (packet.sender().port() != upstreamPort) {
                return; // Only the upstream answers a flow.
            }
            flow.lastUsed = System.nanoTime();
            lane.send(new Datagram(flowId, name, packet.data()));
        });
        socket.exceptionHandler(error -> LOG.debugf("UDP tunnel %s: flow %d: %s", name, flowId, error.getMessage()));
        return flow;
    }

    private Map<FlowKey, Flow> startSweeping(Datagrams lane) {
        long period = Math.max(250, idleTimeout.toMillis() / 4);
        sweepers.put(lane, vertx.setPeriodic(period, id -> expireIdle(lane)));
        return new ConcurrentHashMap<>();
    }

    private void expireIdle(Datagrams lane) {
        Map<FlowKey, Flow> flows = flowsByLane.get(lane);
        if (flows == null) {
            return;
        }
        long cutoff = System.nanoTime() - idleTimeout.toNanos();
        flows.entrySet().removeIf(entry -> {
            if (entry.getValue().lastUsed - cutoff < 0) {
                entry.getValue().socket.close();
                return true;
            }
            return false;
        });
    }

    @Override
    public void closed(Datagrams lane) {
        Long sweeper = sweepers.remove(lane);
        if (sweeper != null) {
            vertx.cancelTimer(sweeper);
        }
        Map<FlowKey, Flow> flows = flowsByLane.remove(lane);
        if (flows != null) {
            flows.values().forEach(flow -> flow.socket.close());
        }
    }
}
