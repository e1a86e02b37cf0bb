package dev.porthole.agent.dial;

import dev.porthole.agent.tunnel.DatagramAcceptor;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.Datagrams;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.StreamResetException;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * {@code porthole connect NAME --udp}: a local UDP socket whose datagrams reach private UDP tunnel
 * {@code NAME} through the gateway. Each local source address and port is one flow with an odd flow
 * id; the answers come back to it from this socket. The datagrams ride on one dial per gateway
 * connection (an OPEN the gateway accepts only for a granted client, {@code UdpDial}); a refused dial
 * is logged with the gateway's reason and tried again after {@link #REFUSED_BACKOFF}, datagrams
 * meanwhile dropped. Flows are bounded and expire like the publishing side's.
 */
public final class UdpDialer implements StreamAcceptor, DatagramAcceptor {

    /** How long datagrams are dropped after the gateway refused the dial, before it is asked again. */
    static final Duration REFUSED_BACKOFF = Duration.ofSeconds(5);

    /** Read buffer of the local socket: larger than any datagram, so that none is cut short. */
    private static final int READ_BUFFER = 65536;

    /** One local source address and port. */
    private static final class Flow {
        final int id;
        final SocketAddress local;
        volatile long lastUsed = System.nanoTime();

        Flow(int id, SocketAddress local) {
            this.id = id;
            this.local = local;
        }
    }

    /** The dial datagrams go out on now: its stream and its connection's lane. */
    private record Dial(MuxStream stream, Datagrams lane) {}

    private final Vertx vertx;
    private final String tunnel;
    private final Duration idleTimeout;
    private final int maxFlows;
    private volatile BiFunction<String, String, MuxStream> dialer;
    private final Map<SocketAddress, Flow> bySource = new ConcurrentHashMap<>();
    private final Map<Integer, Flow> byId = new ConcurrentHashMap<>();
    private int nextId = 1;
    private volatile Dial current;
    private volatile long refusedUntil;
    private DatagramSocket socket;
    private long sweeper = -1;

    public UdpDialer(Vertx vertx, String tunnel, Duration idleTimeout, int maxFlows) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("--max-flows must be at least 1, was " + maxFlows);
        }
        this.vertx = vertx;
        this.tunnel = tunnel;
        this.idleTimeout = idleTimeout;
        this.maxFlows = maxFlows;
    }

    /**
     * Says how to dial (the agent's client, {@code TunnelClient::dialDatagrams}, which needs this
     * acceptor first); it throws {@link IllegalStateException} while the agent is not connected.
     * Call before {@link #listen}.
     */
    public UdpDialer dialThrough(BiFunction<String, String, MuxStream> dial) {
        this.dialer = dial;
        return this;
    }

    /** Binds the local socket; completes with its port. */
    public Future<Integer> listen(UpstreamAddress address) {
        DatagramSocket created = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setReceiveBufferSize(READ_BUFFER)
                .setIpV6(address.host().contains(":")));
        socket = created;
        created.handler(this::fromLocal);
        long period = Math.max(250, idleTimeout.toMillis() / 4);
        return created.listen(address.port(), address.host()).map(bound -> {
            sweeper = vertx.setPeriodic(period, id -> expireIdle());
            return bound.localAddress().port();
        });
    }

    public void close() {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        Dial dial = current;
        if (dial != null) {
            dial.stream().end();
        }
        if (socket != null) {
            socket.close();
        }
    }

    /** Flows tracked now. */
    public int flows() {
        return bySource.size();
    }

    @Override
    public void accept(MuxStream stream, Open open, TunnelSpec spec) {
        stream.reset(ResetCode.NO_SUCH_TUNNEL, "this agent only dials");
    }

    @Override
    public DatagramAcceptor datagrams() {
        return this;
    }

    @Override
    public void accept(Datagram datagram, TunnelSpec spec, Datagrams lane) {
        // This agent publishes no UDP tunnel: nothing comes here.
    }

    @Override
    public void dialed(Datagram answer) {
        Flow flow = byId.get(answer.flowId());
        if (flow == null || !answer.tunnel().equals(tunnel)) {
            Log.debugf(
                    "private UDP tunnel '%s': dropped an answer for flow %d, which expired", tunnel, answer.flowId());
            return;
        }
        flow.lastUsed = System.nanoTime();
        socket.send(answer.payload(), flow.local.port(), flow.local.hostAddress());
    }

    @Override
    public void closed(Datagrams lane) {
        Dial dial = current;
        if (dial != null && dial.lane() == lane) {
            current = null;
        }
    }

    private void fromLocal(DatagramPacket packet) {
        Dial dial = dialNow(packet.sender());
        if (dial == null) {
            return;
        }
        Flow flow = bySource.get(packet.sender());
        if (flow == null) {
            if (bySource.size() >= maxFlows) {
                Log.debugf(
                        "private UDP tunnel '%s': dropped a datagram from %s, %d flows is the limit",
                        tunnel, packet.sender(), maxFlows);
                return;
            }
            flow = new Flow(newId(), packet.sender());
            bySource.put(flow.local, flow);
            byId.put(flow.id, flow);
        }
        flow.lastUsed = System.nanoTime();
        Datagrams.Outcome outcome = dial.lane().send(new Datagram(flow.id, tunnel, packet.data()));
        if (outcome != Datagrams.Outcome.SENT) {
            Log.debugf("private UDP tunnel '%s': dropped a datagram from %s: %s", tunnel, packet.sender(), outcome);
        }
    }

    /** The open dial, dialing first when there is none; null (the datagram is dropped) while not possible. */
    private Dial dialNow(SocketAddress source) {
        Dial dial = current;
        if (dial != null && !dial.stream().isClosed()) {
            return dial;
        }
        if (System.nanoTime() - refusedUntil < 0) {
            return null;
        }
        MuxStream stream;
        try {
            stream = dialer.apply(tunnel, source.toString());
        } catch (IllegalStateException notConnected) {
            Log.debugf("private UDP tunnel '%s': dropped a datagram: %s", tunnel, notConnected.getMessage());
            return null;
        }
        Dial opened = new Dial(stream, stream.session().datagrams());
        current = opened;
        stream.responseHandler(head -> Log.infof("private UDP tunnel '%s' dialed through the gateway", tunnel));
        stream.handler(ignored -> {});
        stream.exceptionHandler(error -> {
            if (current == opened) {
                current = null;
            }
            if (error instanceof StreamResetException reset && refusal(reset.code())) {
                refusedUntil = System.nanoTime() + REFUSED_BACKOFF.toNanos();
                Log.errorf("private UDP tunnel '%s' refused: %s", tunnel, error.getMessage());
            } else {
                Log.debugf("private UDP tunnel '%s': the dial ended: %s", tunnel, error.getMessage());
            }
        });
        stream.closeHandler(() -> {
            if (current == opened) {
                current = null;
            }
        });
        return opened;
    }

    private static boolean refusal(ResetCode code) {
        return switch (code) {
            case NO_SUCH_TUNNEL, FORBIDDEN, LIMIT_REACHED, STREAM_ERROR -> true;
            default -> false;
        };
    }

    /** Odd ids (the dialing agent's parity), never reused while in use. */
    private int newId() {
        while (true) {
            int id = nextId;
            nextId += 2;
            if (!byId.containsKey(id)) {
                return id;
            }
        }
    }

    private void expireIdle() {
        long cutoff = System.nanoTime() - idleTimeout.toNanos();
        for (Iterator<Flow> it = bySource.values().iterator(); it.hasNext(); ) {
            Flow flow = it.next();
            if (flow.lastUsed - cutoff < 0) {
                it.remove();
                byId.remove(flow.id);
            }
        }
    }
}
