package dev.porthole.agent.dial;

import dev.porthole.agent.tunnel.DatagramAcceptor;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.Datagrams;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.StreamResetException;
import dev.porthole.protocol.relay.UdpSocket;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
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

    /** Kernel receive buffer of the local socket: the datagrams that may wait while the event loop is busy. */
    static final int RECEIVE_BUFFER = 1024 * 1024;

    /** One local source address and port. */
    private static final class Flow {
        final int id;
        final InetSocketAddress local;
        volatile long lastUsed;

        Flow(int id, InetSocketAddress local, long now) {
            this.id = id;
            this.local = local;
            this.lastUsed = now;
        }
    }

    /** The dial datagrams go out on now: its stream and its connection's lane. */
    private record Dial(MuxStream stream, Datagrams lane) {}

    private final Vertx vertx;
    private final String tunnel;
    private final Duration idleTimeout;
    private final int maxFlows;
    private volatile BiFunction<String, String, MuxStream> dialer;
    private final Map<InetSocketAddress, Flow> bySource = new ConcurrentHashMap<>();
    private final Map<Integer, Flow> byId = new ConcurrentHashMap<>();
    private int nextId = 1;
    private volatile Dial current;
    private final Clock clock;
    private final LongAdder dropped = new LongAdder();
    /** Until when (the clock's millis) datagrams are dropped after the gateway refused the dial. */
    private volatile long refusedUntil = Long.MIN_VALUE;

    private UdpSocket socket;
    private long sweeper = -1;

    public UdpDialer(Vertx vertx, String tunnel, Duration idleTimeout, int maxFlows) {
        this(vertx, tunnel, idleTimeout, maxFlows, Clock.systemUTC());
    }

    /** With the clock that times the wait after a refusal and the flows' idle timeout. */
    UdpDialer(Vertx vertx, String tunnel, Duration idleTimeout, int maxFlows, Clock clock) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("--max-flows must be at least 1, was " + maxFlows);
        }
        this.vertx = vertx;
        this.tunnel = tunnel;
        this.idleTimeout = idleTimeout;
        this.maxFlows = maxFlows;
        this.clock = clock;
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
        long period = Math.max(250, idleTimeout.toMillis() / 4);
        return UdpSocket.bind(
                        vertx.getOrCreateContext(), address.host(), address.port(), RECEIVE_BUFFER, this::fromLocal)
                .map(bound -> {
                    socket = bound;
                    sweeper = vertx.setPeriodic(period, id -> expireIdle());
                    return bound.localAddress().getPort();
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

    /** Local datagrams dropped so far: no dial (refused, not connected), more flows than allowed, a full queue. */
    public long dropped() {
        return dropped.sum();
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
        flow.lastUsed = clock.millis();
        if (!socket.send(answer.payload(), flow.local)) {
            Log.debugf(
                    "private UDP tunnel '%s': dropped an answer for %s, the socket's queue is full",
                    tunnel, flow.local);
        }
    }

    @Override
    public void closed(Datagrams lane) {
        Dial dial = current;
        if (dial != null && dial.lane() == lane) {
            current = null;
        }
    }

    /** A local program's datagram, in a pooled buffer that is released once framed or dropped. */
    private void fromLocal(InetSocketAddress sender, Buffer data) {
        Dial dial = dialNow(sender);
        Flow flow = dial == null ? null : flowOf(sender);
        if (flow == null) {
            dropped.increment();
            Ownership.release(data);
            return;
        }
        flow.lastUsed = clock.millis();
        dial.lane().send(new Datagram(flow.id, tunnel, data), outcome -> {
            Ownership.release(data);
            if (outcome != Datagrams.Outcome.SENT) {
                dropped.increment();
                Log.debugf("private UDP tunnel '%s': dropped a datagram from %s: %s", tunnel, sender, outcome);
            }
        });
    }

    /** The flow of a local source address, new if need be; null (the datagram is dropped) at the limit. */
    private Flow flowOf(InetSocketAddress sender) {
        Flow flow = bySource.get(sender);
        if (flow != null) {
            return flow;
        }
        if (bySource.size() >= maxFlows) {
            Log.debugf(
                    "private UDP tunnel '%s': dropped a datagram from %s, %d flows is the limit",
                    tunnel, sender, maxFlows);
            return null;
        }
        flow = new Flow(newId(), sender, clock.millis());
        bySource.put(flow.local, flow);
        byId.put(flow.id, flow);
        return flow;
    }

    /** The open dial, dialing first when there is none; null (the datagram is dropped) while not possible. */
    private Dial dialNow(InetSocketAddress source) {
        Dial dial = current;
        if (dial != null && !dial.stream().isClosed()) {
            return dial;
        }
        if (waitingAfterRefusal()) {
            return null;
        }
        MuxStream stream;
        try {
            stream = dialer.apply(tunnel, source.getAddress().getHostAddress() + ":" + source.getPort());
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
                refusedUntil = clock.millis() + REFUSED_BACKOFF.toMillis();
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

    /** Whether the gateway refused the dial less than {@link #REFUSED_BACKOFF} ago (datagrams are dropped). */
    boolean waitingAfterRefusal() {
        return clock.millis() < refusedUntil;
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
        long cutoff = clock.millis() - idleTimeout.toMillis();
        for (Iterator<Flow> it = bySource.values().iterator(); it.hasNext(); ) {
            Flow flow = it.next();
            if (flow.lastUsed - cutoff < 0) {
                it.remove();
                byId.remove(flow.id);
            }
        }
    }
}
