package dev.porthole.agent.upstream;

import dev.porthole.agent.tunnel.DatagramAcceptor;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.Datagrams;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.relay.UdpSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Serves UDP tunnels: each visitor flow gets its own local socket toward the upstream, so that the
 * upstream's answers (which come to that socket) go back to that flow. A flow idle for the timeout
 * closes its socket; at most {@code maxFlows} are open per connection, beyond which datagrams are dropped.
 * A flow's socket is connected to the upstream (its name resolved once, without blocking), so that
 * the kernel passes only the upstream's answers, and reads on the tunnel connection's event loop, so
 * that an answer is framed and written to the connection in the turn that read it.
 */
public final class UdpUpstream implements StreamAcceptor, DatagramAcceptor {

    private static final Logger LOG = Logger.getLogger(UdpUpstream.class);
    /**
     * Kernel receive buffer of a flow's socket: the upstream's answers that may wait while the event
     * loop is busy. Smaller than the public socket's, as there may be {@code maxFlows} of them.
     */
    static final int FLOW_RECEIVE_BUFFER = 256 * 1024;

    private final Vertx vertx;
    private final Duration idleTimeout;
    private final int maxFlows;
    private final Map<Datagrams, Map<FlowKey, Flow>> flowsByLane = new ConcurrentHashMap<>();
    private final Map<Datagrams, Long> sweepers = new ConcurrentHashMap<>();

    /** A flow of one of the connection's tunnels, as the gateway numbered it (no String built per datagram). */
    private record FlowKey(String tunnel, int flowId) {}

    private static final class Flow {
        /** Completes once the upstream's name is resolved and the socket connected to it. */
        Future<UdpSocket> socket;

        volatile long lastUsed = System.nanoTime();

        void close() {
            socket.onSuccess(UdpSocket::close);
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
        boolean first = flow == null;
        if (first) {
            if (flows.size() >= maxFlows) {
                LOG.debugf("UDP tunnel %s: dropped a datagram, %d flows open is the limit", tunnel.name(), maxFlows);
                return;
            }
            flow = open(datagram, tunnel, lane, flows, key);
        }
        flow.lastUsed = System.nanoTime();
        Buffer payload = datagram.payload();
        Future<UdpSocket> socket = flow.socket;
        if (socket.succeeded()) {
            if (!socket.result().send(payload)) {
                LOG.debugf(
                        "UDP tunnel %s: dropped a datagram of flow %d, its socket's queue is full",
                        tunnel.name(), key.flowId());
            }
        } else if (first && !socket.isComplete()) {
            // The upstream's name is being resolved: the flow's first datagram waits for it, later ones are dropped.
            socket.onComplete(done -> {
                if (done.succeeded()) {
                    done.result().send(payload);
                }
            });
        } else {
            LOG.debugf(
                    "UDP tunnel %s: dropped a datagram of flow %d, its socket is not open",
                    tunnel.name(), key.flowId());
        }
    }

    private Flow open(Datagram first, TunnelSpec tunnel, Datagrams lane, Map<FlowKey, Flow> flows, FlowKey key) {
        Flow flow = new Flow();
        flows.put(key, flow);
        int flowId = first.flowId();
        String name = first.tunnel();
        UpstreamAddress upstream = tunnel.upstream();
        flow.socket = UdpSocket.connect(
                lane.context(), upstream.host(), upstream.port(), FLOW_RECEIVE_BUFFER, (sender, answer) -> {
                    flow.lastUsed = System.nanoTime();
                    lane.send(new Datagram(flowId, name, answer), outcome -> Ownership.release(answer));
                });
        flow.socket.onFailure(error -> {
            // Forgotten, so that the next datagram tries again.
            flows.remove(key, flow);
            LOG.debugf(
                    "UDP tunnel %s: cannot reach %s:%d: %s",
                    name, upstream.host(), upstream.port(), error.getMessage());
        });
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
                entry.getValue().close();
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
            flows.values().forEach(Flow::close);
        }
    }
}
