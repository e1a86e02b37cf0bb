package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.ControlMessage;
import dev.porthole.protocol.message.Fin;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Response;
import dev.porthole.protocol.message.Rst;
import dev.porthole.protocol.message.Trailers;
import dev.porthole.protocol.message.Window;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The sending half of a {@link MuxSession}: encodes frames onto the transport and counts their
 * bytes, counts the answers owed to a peer while the write queue is full ({@link FloodGuard}), and,
 * on the side that asked for it, stops reading from the peer while that queue is full. Nothing
 * leaves once the session is closed. Confined to the session's context.
 */
final class FrameSender {

    private final FrameTransport transport;
    private final FrameCodec codec;
    private final FloodGuard flood;
    private final SessionEnd end;
    /** Written on the context only, read from any thread: a plain volatile field, not a LongAdder's cells. */
    private volatile long bytesSent;
    /** Whether this side stops reading while its write queue is full; see {@link MuxSession#stopReadingWhileWriteQueueFull()}. */
    private boolean pauseReadsWhenFull;

    private boolean readingPaused;

    /**
     * @param end whether the session is closed (nothing is sent then); it closes the session when the
     *     peer is owed one answer too many
     */
    FrameSender(FrameTransport transport, FrameCodec codec, FloodGuard flood, SessionEnd end) {
        this.transport = transport;
        this.codec = codec;
        this.flood = flood;
        this.end = end;
    }

    /** Sends a control message (a connection message, OPEN, PING...). */
    void control(ControlMessage message) {
        frame(MessageCodec.encode(message));
    }

    void frame(Frame frame) {
        if (!end.isClosed()) {
            send(frame);
        }
    }

    void data(int streamId, Buffer data, boolean fin) {
        frame(new Frame(FrameType.DATA, fin ? Frame.FLAG_FIN : 0, streamId, data));
    }

    void window(int streamId, int increment) {
        reply(new Window(streamId, increment));
    }

    void response(int streamId, HttpResponseHead head, boolean fin) {
        control(new Response(streamId, head, fin));
    }

    void fin(int streamId) {
        control(new Fin(streamId));
    }

    void trailers(int streamId, List<Header> fields) {
        control(new Trailers(streamId, fields));
    }

    void reset(int streamId, ResetCode code, String message) {
        String bounded = message.length() > 512 ? message.substring(0, 512) : message;
        reply(new Rst(streamId, code, bounded));
    }

    /**
     * Sends a frame the peer's frames made this side owe (PONG, WINDOW, RST); while the write queue
     * is full these are counted, and a peer that is owed too many is closed ({@link FloodGuard}).
     */
    void reply(ControlMessage message) {
        if (end.isClosed()) {
            return;
        }
        try {
            owe(message.type().name());
        } catch (ProtocolException e) {
            end.protocolError(e);
            return;
        }
        control(message);
    }

    private void send(Frame frame) {
        Buffer encoded = codec.encode(frame, transport.contiguousFrames());
        bytesSent += encoded.length();
        transport.send(encoded);
        if (pauseReadsWhenFull && !readingPaused && transport.writeQueueFull()) {
            readingPaused = true;
            transport.pauseReading();
        }
    }

    /** Bytes sent so far, frames included; readable from any thread. */
    long bytesSent() {
        return bytesSent;
    }

    boolean full() {
        return transport.writeQueueFull();
    }

    void stopReadingWhileFull() {
        pauseReadsWhenFull = true;
    }

    /** Counts an answer ({@code what}) the peer's frames made this side owe; throws for one too many while full. */
    void owe(String what) throws ProtocolException {
        if (transport.writeQueueFull()) {
            flood.replyWhileFull(what);
        }
    }

    /** Counts a WebSocket ping (the socket answers it by itself) like a PING frame, and the pong it owes. */
    void admitWebSocketPing() throws ProtocolException {
        flood.idleFrame("WebSocket ping");
        owe("WebSocket pong");
    }

    /** The transport has room again: what was owed is on its way, and reading resumes unless the session is closed. */
    void drained(boolean closed) {
        flood.drained();
        if (readingPaused && !closed) {
            readingPaused = false;
            transport.resumeReading();
        }
    }
}
