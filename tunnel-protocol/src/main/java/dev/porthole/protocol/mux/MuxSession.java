package dev.porthole.protocol.mux;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.ResetCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Many {@link MuxStream}s over one tunnel connection: decodes every received message, routes DATA
 * straight to its stream, answers PING, enforces stream-id, stream-count and credit rules, and
 * closes the connection with {@link CloseCode#PROTOCOL_ERROR} on the first broken rule.
 *
 * <p>All state lives on one Vert.x context (the WebSocket's); {@link #onContext} moves calls from
 * other threads there.
 */
public final class MuxSession {

    private static final Logger LOG = Logger.getLogger(MuxSession.class);

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
    private final FrameTransport transport;
    private final FrameCodec codec;
    private final MuxSettings settings;
    private final Role role;
    private final LongSupplier nanoClock;
    /** Written on the context only (see {@link #receive}), read from any thread. */
    private volatile long bytesReceived;

    private final FrameSender sender;
    private final PeerLimits peer;
    private volatile MuxListener listener;
    private volatile boolean closed;

    // Confined to the context.
    private final StreamTable streams;
    private final PendingFlushes flushes;
    private final Heartbeat heartbeat;
    private final WindowBudget windows;
    private final FrameReceiver receiver;
    /** Created when first asked for: most connections carry no UDP (issue 19's memory per idle tunnel). */
    private volatile Datagrams datagrams;

    private volatile BooleanSupplier protocolErrorLog = () -> true;

    public MuxSession(
            Context context, FrameTransport transport, MuxSettings settings, Role role, LongSupplier nanoClock) {
        this.context = context;
        this.transport = transport;
        this.settings = settings;
        this.role = role;
        this.nanoClock = nanoClock;
        this.codec = new FrameCodec(settings.maxFrameSize());
        this.streams = new StreamTable(role);
        this.flushes = new PendingFlushes(context, transport);
        this.heartbeat = new Heartbeat(nanoClock);
        this.windows = new WindowBudget(settings);
        FloodGuard flood = new FloodGuard(nanoClock, settings.maxStreams());
        this.sender = new FrameSender(transport, codec, flood, () -> closed, this::closeOnProtocolError);
        this.peer = new PeerLimits(settings.maxFrameSize());
        this.receiver = new FrameReceiver(this, codec, streams, flood, windows, settings);
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
        return closed;
    }

    /** Bytes received on this connection, frames included. */
    public long bytesReceived() {
        return bytesReceived;
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
        this.protocolErrorLog = allowed;
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
        // The id is taken on the context, right before the OPEN goes out, so that ids appear on the
        // wire in increasing order even when streams are opened from several threads at once.
        MuxStream stream = new MuxStream(
                this,
                0,
                new Open(0, tunnel, source, request),
                peer.initialWindow(),
                settings.initialWindow(),
                settings);
        onContext(() -> {
            if (closed) {
                stream.connectionClosed("the tunnel connection is closed");
                return;
            }
            if (stream.isClosed()) {
                // Reset before its turn came (a grant taken away): its OPEN never goes out.
                return;
            }
            int id = streams.takeLocalId();
            if (id < 0) {
                close(CloseCode.GOING_AWAY, "stream ids exhausted; reconnect");
                stream.connectionClosed("stream ids exhausted");
                return;
            }
            Open open = new Open(id, tunnel, source, request, fin);
            stream.assign(id, open);
            if (fin) {
                stream.finishedAtOpen();
            }
            streams.put(id, stream);
            try {
                sender.control(open);
            } catch (IllegalArgumentException e) {
                // The request head does not fit in one frame: fail only this stream.
                streams.remove(id);
                stream.onReset(ResetCode.STREAM_ERROR, e.getMessage());
            }
        });
        return stream;
    }

    /** Closes the connection: every stream fails, the listener hears {@code onClosed} once. */
    public void close(CloseCode code, String reason) {
        onContext(() -> {
            if (closed) {
                return;
            }
            transport.close(code, reason);
            shutDown(code.code(), reason);
        });
    }

    /** The transport reports that the peer or the network closed the connection. */
    public void transportClosed(int code, String reason) {
        onContext(
                () -> shutDown(code, reason == null || reason.isEmpty() ? "connection closed (" + code + ")" : reason));
    }

    /**
     * Starts the heartbeat: a PING every {@code interval}, and a close with
     * {@link CloseCode#HEARTBEAT_TIMEOUT} when nothing arrives for {@code timeout}.
     */
    public void startHeartbeat(Vertx vertx, Duration interval, Duration timeout) {
        onContext(() -> {
            heartbeat.stop();
            if (!closed) {
                heartbeat.start(
                        vertx,
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
            if (!closed) {
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
        if (closed) {
            Ownership.release(message);
            return;
        }
        heartbeat.received();
        bytesReceived += message.length();
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

    boolean transportFull() {
        return sender.full();
    }

    void waitForTransport(MuxStream stream) {
        flushes.whenDrained(stream);
    }

    /** See {@link PeerLimits#maxDataPayload()}. */
    int maxDataPayload() {
        return peer.maxDataPayload();
    }

    /** The stream credit the peer grants each new stream. */
    int peerInitialWindow() {
        return peer.initialWindow();
    }

    /** The session's clock, in nanoseconds (the one heartbeats use; tests move it). */
    long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** See {@link WindowBudget#growthInterval()}. */
    long windowGrowthInterval() {
        return windows.growthInterval();
    }

    /** See {@link WindowBudget#grow(int)}. */
    int growWindow(int current) {
        return windows.grow(current);
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
        if (closed) {
            return false;
        }
        try {
            sender.admitWebSocketPing();
            return true;
        } catch (ProtocolException e) {
            closeOnProtocolError(e);
            return false;
        }
    }

    /** One log line and a close with {@link CloseCode#PROTOCOL_ERROR} naming the rule. */
    void closeOnProtocolError(ProtocolException e) {
        if (closed) {
            return;
        }
        if (protocolErrorLog.getAsBoolean()) {
            LOG.warnf("closing tunnel connection: protocol error %s: %s", e.error(), e.getMessage());
        }
        String reason = e.error() + ": " + e.getMessage();
        onContext(() -> {
            if (!closed) {
                transport.abort(CloseCode.PROTOCOL_ERROR, reason);
                shutDown(CloseCode.PROTOCOL_ERROR.code(), reason);
            }
        });
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
        if (removed && streams.size() == 0 && !closed && current != null) {
            current.onStreamsClosed();
        }
    }

    private void onTransportDrain() {
        sender.drained(closed);
        flushes.drained();
    }

    private void shutDown(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.stop();
        List<MuxStream> open = streams.clear();
        flushes.clear();
        for (MuxStream stream : open) {
            stream.connectionClosed("the tunnel connection closed: " + reason);
        }
        MuxListener current = listener;
        if (current != null) {
            current.onClosed(code, reason);
        }
    }

    /** The listener, or a protocol error for a frame that arrived before the session was ready. */
    MuxListener listener() throws ProtocolException {
        MuxListener current = listener;
        if (current == null) {
            throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, "frame before the session was ready");
        }
        return current;
    }
}
