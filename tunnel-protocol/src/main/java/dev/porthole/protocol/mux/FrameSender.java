package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.ProtocolException;
import io.vertx.core.buffer.Buffer;

/**
 * The sending half of a {@link MuxSession}: encodes frames onto the transport and counts their
 * bytes, counts the answers owed to a peer while the write queue is full ({@link FloodGuard}), and,
 * on the side that asked for it, stops reading from the peer while that queue is full. Confined to
 * the session's context; the session checks that it is open before calling.
 */
final class FrameSender {

    private final FrameTransport transport;
    private final FrameCodec codec;
    private final FloodGuard flood;
    /** Written on the context only, read from any thread: a plain volatile field, not a LongAdder's cells. */
    private volatile long bytesSent;
    /** Whether this side stops reading while its write queue is full; see {@link MuxSession#stopReadingWhileWriteQueueFull()}. */
    private boolean pauseReadsWhenFull;

    private boolean readingPaused;

    FrameSender(FrameTransport transport, FrameCodec codec, FloodGuard flood) {
        this.transport = transport;
        this.codec = codec;
        this.flood = flood;
    }

    void send(Frame frame) {
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
