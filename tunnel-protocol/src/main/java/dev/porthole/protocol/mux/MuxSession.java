package dev.porthole.protocol.mux;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.Ping;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Many {@link MuxStream}s over one tunnel connection: decodes every received message, routes DATA
 * straight to its stream, answers PING, enforces stream-id, stream-count and credit rules, and
 * closes the connection with {@link CloseCode#PROTOCOL_ERROR} on the first broken rule.
 *
 * <p>All state lives on one Vert.x context (the WebSocket's); {@link #onContext} moves calls from
 * other threads there.
 */
public final class MuxSession {

    /** Which side of the connection this is; it decides the parity of the stream ids it opens. */
    public enum Role {
        /** Opens even stream ids. */
        GATEWAY(2),
        /** Opens odd stream ids. */
        AGENT(1);

        private final int firstStreamId;

        Role(int firstStreamId) {
            this.firstStreamId = firstStreamId;
        }

        int firstStreamId() {
            return firstStreamId;
        }

        boolean opened(int streamId) {
            return (streamId & 1) == (firstStreamId & 1);
        }
    }

    private final Context context;
    private final MuxSettings settings;
    private final LongSupplier nanoClock;

    private final FrameSender sender;
    private final PeerLimits peer;
    private volatile MuxListener listener;
    private final SessionEnd end;

    // Confined to the context.
    private final StreamTable streams;
    private final PendingFlushes flushes;
    private final Heartbeat heartbeat;
    private final WindowBudget windows;
    private final FrameReceiver receiver;
    private final StreamOpener opener;
    /** Created when first asked for: most connections carry no UDP (issue 19's memory per idle tunnel). */
    private volatile Datagrams datagrams;

    public MuxSession(
            Context context, FrameTransport transport, MuxSettings settings, Role role, LongSupplier nanoClock) {
        this.context = context;
        this.settings = settings;
        this.nanoClock = nanoClock;
        FrameCodec codec = new FrameCodec(settings.maxFrameSize());
        this.streams = new StreamTable(role);
        this.flushes = new PendingFlushes(context, transport);
        this.heartbeat = new Heartbeat(nanoClock);
        this.windows = new WindowBudget(settings, nanoClock);
        this.end = new SessionEnd(this, transport, heartbeat, streams, flushes);
        FloodGuard flood = new FloodGuard(nanoClock, settings.maxStreams());
        this.sender = new FrameSender(transport, codec, flood, end);
        this.peer = new PeerLimits(settings.maxFrameSize());
        this.receiver = new FrameReceiver(this, end, codec, streams, flood, windows, heartbeat, peer, settings);
        this.opener = new StreamOpener(this, end, streams, sender, peer, settings);
        transport.drainHandler(() -> onContext(this::onTransportDrain));
    }

    public MuxSession(Context context, FrameTransport transport, MuxSettings settings, Role role) {
        this(context, transport, settings, role, System::nanoTime);
    }

    /** Sets who reacts to opened streams, connection messages and the close. */
    public MuxSession listener(MuxListener listener) {
        this.listener = listener;
        return this;
    }

    public Context context() {
        return context;
    }

    public MuxSettings settings() {
        return settings;
    }

    public boolean isClosed() {
        return end.isClosed();
    }

    /** Bytes received on this connection, frames included. */
    public long bytesReceived() {
        return receiver.bytesReceived();
    }

    /** Bytes sent on this connection, frames included. */
    public long bytesSent() {
        return sender.bytesSent();
    }

    /** Streams this side has opened so far (requests and connections it carried to the peer). */
    public long streamsOpened() {
        return streams.openedHere();
    }

    /** The last measured heartbeat round trip, or -1 before the first PONG. */
    public Duration roundTrip() {
        return windows.roundTrip();
    }

    /** The capabilities both sides announced (WELCOME's), which decide optional frames such as TRAILERS. */
    public void agreedCapabilities(Set<String> capabilities) {
        peer.agree(capabilities);
    }

    /** Whether both sides announced {@code capability}. */
    public boolean agreed(String capability) {
        return peer.agreed(capability);
    }

    /** Takes the peer's announced stream credit and frame size (from HELLO or WELCOME) before any stream opens. */
    public void peerLimits(int initialWindow, int maxFrameSize) throws ProtocolException {
        peer.announce(initialWindow, maxFrameSize);
    }

    /**
     * From now on, stops reading from the peer while the transport's write queue is full, and reads
     * again once it drains: a peer that does not read what it is sent cannot make this side queue
     * answers without bound. Only one side of a connection may do this (the gateway): were both to
     * stop reading while both queues were full, neither would drain.
     */
    public void stopReadingWhileWriteQueueFull() {
        onContext(sender::stopReadingWhileFull);
    }

    /**
     * Logs the line that says why the connection is closed for a protocol error only while
     * {@code allowed} says so (a budget per source address): a peer that reconnects after each such
     * close must not be able to write a line each time without bound.
     */
    public void logProtocolErrorsWhile(BooleanSupplier allowed) {
        end.logProtocolErrorsWhile(allowed);
    }

    /** The UDP datagrams of this connection, once both sides announced {@code udp}. */
    public Datagrams datagrams() {
        Datagrams lane = datagrams;
        if (lane == null) {
            synchronized (this) {
                lane = datagrams;
                if (lane == null) {
                    lane = new Datagrams(this);
                    datagrams = lane;
                }
            }
        }
        return lane;
    }

    /** The datagram lane if anything has asked for it yet, else null. */
    Datagrams datagramsIfCreated() {
        return datagrams;
    }

    /** Number of open streams, readable from any thread (a gauge). */
    public int openStreams() {
        return streams.size();
    }

    // ---- sending ----

    /** Sends a connection message (HELLO, WELCOME, CONFIG, NOTICE, GOAWAY). */
    public void send(ConnectionMessage message) {
        onContext(() -> sender.control(message));
    }

    /**
     * Opens a stream towards the peer. The returned stream may be used at once from any thread;
     * if the connection is already closed it fails with a {@link StreamResetException}.
     */
    public MuxStream openStream(String tunnel, String source, HttpRequestHead request) {
        return openStream(tunnel, source, request, false);
    }

    /**
     * Opens a stream; with {@code fin} the opener sends nothing more (an HTTP request without a
     * body), which saves the FIN frame.
     */
    public MuxStream openStream(String tunnel, String source, HttpRequestHead request, boolean fin) {
        return opener.open(tunnel, source, request, fin);
    }

    /** Closes the connection: every stream fails, the listener hears {@code onClosed} once. */
    public void close(CloseCode code, String reason) {
        end.close(code, reason);
    }

    /** The transport reports that the peer or the network closed the connection. */
    public void transportClosed(int code, String reason) {
        end.transportClosed(code, reason);
    }

    /**
     * Starts the heartbeat: a PING every {@code interval}, and a close with
     * {@link CloseCode#HEARTBEAT_TIMEOUT} when nothing arrives for {@code timeout}; {@code clock}
     * runs it on the session's context.
     */
    public void startHeartbeat(Periodic clock, Duration interval, Duration timeout) {
        onContext(() -> {
            heartbeat.stop();
            if (!end.isClosed()) {
                heartbeat.start(
                        clock,
                        interval,
                        timeout,
                        now -> sender.control(new Ping(now)),
                        silent -> close(CloseCode.HEARTBEAT_TIMEOUT, silent));
            }
        });
    }

    /** Sends one PING now, so that {@link #roundTrip()} is known without waiting a heartbeat interval. */
    public void pingNow() {
        onContext(() -> {
            if (!end.isClosed()) {
                sender.control(new Ping(nanoClock.getAsLong()));
            }
        });
    }

    // ---- receiving ----

    /**
     * Handles one received WebSocket binary message, which it takes over ({@link Ownership}): a DATA
     * payload goes to its stream, anything else is released once decoded ({@link FrameReceiver}).
     * Call on the session's context.
     */
    public void receive(Buffer message) {
        receiver.receive(message);
    }

    // ---- used by MuxStream, on the context ----

    /** Runs an action on the session's context: at once when already there, else queued in call order. */
    public void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }

    /** See {@link PendingFlushes#atEndOfTask}. */
    void scheduleFlush(MuxStream stream) {
        flushes.atEndOfTask(stream);
    }

    void waitForTransport(MuxStream stream) {
        flushes.whenDrained(stream);
    }

    /** See {@link PeerLimits#maxDataPayload()}. */
    int maxDataPayload() {
        return peer.maxDataPayload();
    }

    /** The round trip and the growth budget that streams' receive windows grow by. */
    WindowBudget windows() {
        return windows;
    }

    /** What streams, the receiver and the datagram lane send through. */
    FrameSender frames() {
        return sender;
    }

    /**
     * Whether to answer a WebSocket ping that just arrived (the socket answers it by itself): counted
     * like a PING frame; false, and the connection closed, for one too many.
     */
    boolean admitWebSocketPing() {
        if (end.isClosed()) {
            return false;
        }
        try {
            sender.admitWebSocketPing();
            return true;
        } catch (ProtocolException e) {
            end.protocolError(e);
            return false;
        }
    }

    void streamData(MuxStream stream, int received, int sent) {
        MuxListener current = listener;
        if (current != null) {
            current.onStreamData(stream, received, sent);
        }
    }

    void streamClosed(MuxStream stream) {
        windows.giveBack(stream.windowGrowth());
        boolean removed = streams.remove(stream);
        flushes.forget(stream);
        MuxListener current = listener;
        if (removed && streams.size() == 0 && !end.isClosed() && current != null) {
            current.onStreamsClosed();
        }
    }

    private void onTransportDrain() {
        sender.drained(end.isClosed());
        flushes.drained();
    }

    /** The listener, or a protocol error for a frame that arrived before the session was ready. */
    MuxListener listener() throws ProtocolException {
        MuxListener current = listener;
        if (current == null) {
            throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, "frame before the session was ready");
        }
        return current;
    }

    /** The listener, or null before one is set. */
    MuxListener listenerIfSet() {
        return listener;
    }
}
