package dev.porthole.protocol.mux;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.ControlMessage;
import dev.porthole.protocol.message.MessageCodec;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A transport that records what a session sends and, when paired, hands every frame to the peer
 * session on the peer's context, like a WebSocket would.
 */
final class RecordingTransport implements FrameTransport {

    private static final FrameCodec CODEC = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);

    final List<Frame> sent = new CopyOnWriteArrayList<>();
    volatile CloseCode closedWith;
    volatile String closeReason;
    volatile boolean full;
    volatile boolean readingPaused;
    private volatile Runnable drain = () -> {};
    private volatile Consumer<Buffer> peer;
    private volatile Consumer<String> peerClosed;

    void connect(MuxSession session) {
        this.peer = frame -> session.context().runOnContext(v -> session.receive(frame));
        this.peerClosed = reason -> session.transportClosed(1000, reason);
    }

    void setFull(boolean value) {
        full = value;
        if (!value) {
            drain.run();
        }
    }

    @Override
    public void send(Buffer frame) {
        try {
            sent.add(CODEC.decode(frame.copy()));
        } catch (ProtocolException e) {
            throw new AssertionError("session sent an undecodable frame", e);
        }
        Consumer<Buffer> target = peer;
        if (target != null) {
            target.accept(frame);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return full;
    }

    @Override
    public void drainHandler(Runnable onDrain) {
        this.drain = onDrain;
    }

    @Override
    public void pauseReading() {
        readingPaused = true;
    }

    @Override
    public void resumeReading() {
        readingPaused = false;
    }

    @Override
    public void close(CloseCode code, String reason) {
        closedWith = code;
        closeReason = reason;
        Consumer<String> target = peerClosed;
        if (target != null) {
            target.accept(reason);
        }
    }

    List<ControlMessage> sentMessages(FrameType type) {
        return sent.stream()
                .filter(f -> f.type() == type)
                .map(f -> {
                    try {
                        return MessageCodec.decode(f);
                    } catch (ProtocolException e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }

    long dataBytesSent(int streamId) {
        return sent.stream()
                .filter(f -> f.type() == FrameType.DATA && f.streamId() == streamId)
                .mapToLong(f -> f.payload().length())
                .sum();
    }
}
