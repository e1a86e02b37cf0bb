package dev.porthole.gateway.udp;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.UdpConfig;
import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.UdpDial;
import dev.porthole.protocol.mux.Datagrams;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Private UDP tunnels on this gateway: the dials ({@link UdpDial}) that agents hold open, and the
 * flows of their datagrams. A dialing agent numbers its flows with odd ids; each (dial, odd id) gets
 * an even flow id of the tunnel's own {@link FlowTable}, bounded and expired like a public tunnel's
 * visitors, under which the publishing agent sees and answers it. Nothing waits: what cannot go on
 * at once is dropped and counted. UDP tunnels are not carried between gateway instances.
 */
@ApplicationScoped
public class UdpDials {

    /** One dial: the stream that holds it open and the dialing connection's datagram lane. */
    static final class Dial {
        final String tunnel;
        final Datagrams lane;
        final MuxStream stream;
        final TunnelLimits limits;
        volatile boolean open = true;

        Dial(String tunnel, Datagrams lane, MuxStream stream, TunnelLimits limits) {
            this.tunnel = tunnel;
            this.lane = lane;
            this.stream = stream;
            this.limits = limits;
        }
    }

    /** A dialing agent's flow: its dial and the odd id it gave the flow. */
    record DialFlow(Dial dial, int flowId) {}

    private record DialKey(Datagrams lane, String tunnel) {}

    private final Vertx vertx;
    private final LocalRoutes routes;
    private final GatewayMetrics metrics;
    private final UdpConfig config;
    private final Map<DialKey, Dial> dials = new ConcurrentHashMap<>();
    private final Map<String, FlowTable<DialFlow>> flows = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    public UdpDials(Vertx vertx, LocalRoutes routes, GatewayMetrics metrics, GatewayConfig config) {
        this.vertx = vertx;
        this.routes = routes;
        this.metrics = metrics;
        this.config = config.udp();
    }

    /**
     * Accepts or refuses a dial whose dialer's grant was checked: refused (a reset the dialing agent
     * logs) when no agent publishes a private UDP tunnel of that name here or the tunnel is at its
     * limit of open dials; otherwise answered with a 200 head and held until the stream closes.
     */
    public void accept(MuxStream stream, String name) {
        TunnelOwner owner = routes.privateUdpTunnel(name).orElse(null);
        if (owner == null) {
            String why = routes.privateTunnel(name).isPresent()
                    ? "private tunnel '" + name + "' is a TCP tunnel, not a UDP one; dial it without --udp"
                    : "no agent publishes private UDP tunnel '" + name
                            + "' on this gateway (UDP tunnels are not carried between gateway instances)";
            stream.reset(ResetCode.NO_SUCH_TUNNEL, why);
            return;
        }
        Datagrams lane = stream.session().datagrams();
        DialKey key = new DialKey(lane, name);
        if (dials.containsKey(key)) {
            stream.reset(
                    ResetCode.STREAM_ERROR,
                    "private UDP tunnel '" + name
                            + "' is dialed on this connection already; one dial carries every flow");
            return;
        }
        TunnelLimits limits = owner.limits(name);
        if (!limits.openStream()) {
            stream.reset(
                    ResetCode.LIMIT_REACHED,
                    "private tunnel '" + name + "' has " + limits.maxStreams()
                            + " connections open, its limit; try again later");
            return;
        }
        Dial dial = new Dial(name, lane, stream, limits);
        dials.put(key, dial);
        startSweeping();
        stream.closeHandler(() -> ended(key, dial));
        stream.handler(ignored -> {});
        stream.endHandler(ignored -> stream.end());
        stream.respond(UdpDial.accepted());
    }

    /** Dials held open now. */
    public int dials() {
        return dials.size();
    }

    /** Flows of private tunnel {@code name} tracked now. */
    public int flows(String name) {
        FlowTable<DialFlow> table = flows.get(name);
        return table == null ? 0 : table.size();
    }

    private void ended(DialKey key, Dial dial) {
        if (!dial.open) {
            return;
        }
        dial.open = false;
        dials.remove(key, dial);
        dial.limits.closeStream();
        FlowTable<DialFlow> table = flows.get(dial.tunnel);
        if (table != null) {
            table.removeIf(flow -> flow.dial() == dial);
        }
    }

    /** A dialing agent's datagram (odd flow id): to the publishing agent, or dropped. */
    void fromDialer(TunnelOwner from, String tunnel, int flowId, Buffer payload) {
        Datagrams lane = from.datagrams();
        Dial dial = lane == null ? null : dials.get(new DialKey(lane, tunnel.toLowerCase(Locale.ROOT)));
        if (dial == null || !dial.open) {
            metrics.udpDropped("no-dial");
            return;
        }
        TunnelOwner publisher = routes.privateUdpTunnel(dial.tunnel).orElse(null);
        Datagrams toPublisher = publisher == null ? null : publisher.datagrams();
        if (toPublisher == null) {
            metrics.udpDropped("closed");
            return;
        }
        if (payload.length() > config.maxDatagramSize()) {
            metrics.udpDropped("too-large");
            return;
        }
        FlowTable.Flow<DialFlow> flow =
                flows.computeIfAbsent(dial.tunnel, this::newTable).flowFor(new DialFlow(dial, flowId));
        if (flow == null) {
            metrics.udpDropped("flows");
            return;
        }
        toPublisher.send(new Datagram(flow.id, dial.tunnel, payload), outcome -> count(outcome, "in"));
    }

    /** The publishing agent's answer (even flow id) on a private tunnel: to the dialing agent, or dropped. */
    void toDialer(TunnelOwner from, String tunnel, int flowId, Buffer payload) {
        FlowTable<DialFlow> table = flows.get(tunnel);
        FlowTable.Flow<DialFlow> flow = table == null ? null : table.byId(flowId);
        if (flow == null || routes.privateUdpTunnel(tunnel).orElse(null) != from) {
            metrics.udpDropped("no-flow");
            return;
        }
        Dial dial = flow.visitor.dial();
        if (!dial.open) {
            metrics.udpDropped("no-flow");
            return;
        }
        dial.lane.send(new Datagram(flow.visitor.flowId(), tunnel, payload), outcome -> count(outcome, "out"));
    }

    private void count(Datagrams.Outcome outcome, String direction) {
        if (outcome == Datagrams.Outcome.SENT) {
            metrics.udpDatagram(direction);
        } else {
            metrics.udpDropped(outcome.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }

    private FlowTable<DialFlow> newTable(String tunnel) {
        return new FlowTable<>(
                config.maxFlowsPerTunnel(), config.flowIdleTimeout().toMillis(), System::currentTimeMillis);
    }

    private void startSweeping() {
        if (sweeping.compareAndSet(false, true)) {
            long period = Math.max(250, config.flowIdleTimeout().toMillis() / 4);
            vertx.setPeriodic(period, id -> {
                flows.values().forEach(FlowTable::expireIdle);
                flows.entrySet()
                        .removeIf(entry -> entry.getValue().size() == 0
                                && dials.keySet().stream()
                                        .noneMatch(key -> key.tunnel().equals(entry.getKey())));
            });
        }
    }
}
