package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.ControlMessage;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.Open;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.Consumer;

/** Feeds hand-made frames to a session as if its peer had sent them: on the session's context, in call order. */
final class PeerFrames {

    static final FrameCodec CODEC = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);

    private final MuxSession session;

    PeerFrames(MuxSession session) {
        this.session = session;
    }

    /** A listener that hands every opened stream to {@code opened} and records closes as "code reason". */
    static MuxListener listener(Consumer<MuxStream> opened, List<String> closed) {
        return new MuxListener() {
            @Override
            public void onOpen(MuxStream stream, Open open) {
                opened.accept(stream);
            }

            @Override
            public void onMessage(ConnectionMessage message) {}

            @Override
            public void onClosed(int code, String reason) {
                closed.add(code + " " + reason);
            }
        };
    }

    void send(ControlMessage message) {
        Buffer frame = CODEC.encode(MessageCodec.encode(message));
        session.context().runOnContext(v -> session.receive(frame));
    }

    /** One DATA frame carrying {@code text}, with FIN when {@code last}. */
    void sendText(int stream, String text, boolean last) {
        Buffer frame = CODEC.encode(new Frame(FrameType.DATA, last ? Frame.FLAG_FIN : 0, stream, Buffer.buffer(text)));
        session.context().runOnContext(v -> session.receive(frame));
    }

    /** DATA frames of 4 KiB (the last one shorter) carrying {@code length} zero bytes. */
    void sendData(int stream, int length) {
        int remaining = length;
        while (remaining > 0) {
            int chunk = Math.min(remaining, 4096);
            Buffer frame = CODEC.encode(Frame.of(FrameType.DATA, stream, Buffer.buffer(new byte[chunk])));
            session.context().runOnContext(v -> session.receive(frame));
            remaining -= chunk;
        }
    }
}
