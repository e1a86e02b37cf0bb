package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import java.util.Set;

/**
 * What the peer of a {@link MuxSession} announced at the handshake (HELLO or WELCOME): the credit it
 * grants each new stream, the largest frame it takes, and the capabilities both sides share.
 * Set once before any stream opens, read from any thread.
 */
final class PeerLimits {

    private final int ownMaxFrameSize;
    private volatile int initialWindow = MuxSettings.DEFAULT_INITIAL_WINDOW;
    private volatile int maxFrameSize = FrameCodec.DEFAULT_MAX_FRAME_SIZE;
    private volatile Set<String> agreedCapabilities = Set.of();

    PeerLimits(int ownMaxFrameSize) {
        this.ownMaxFrameSize = ownMaxFrameSize;
    }

    void announce(int initialWindow, int maxFrameSize) throws ProtocolException {
        if (initialWindow <= 0) {
            throw new ProtocolException(
                    ProtocolError.BAD_FIELD, "initial window must be positive, was " + initialWindow);
        }
        if (maxFrameSize < FrameCodec.MIN_MAX_FRAME_SIZE) {
            throw new ProtocolException(
                    ProtocolError.BAD_FIELD,
                    "max frame size " + maxFrameSize + " is below " + FrameCodec.MIN_MAX_FRAME_SIZE);
        }
        this.initialWindow = initialWindow;
        this.maxFrameSize = maxFrameSize;
    }

    /** The stream credit the peer grants each new stream. */
    int initialWindow() {
        return initialWindow;
    }

    /** The largest DATA payload both sides take in one frame. */
    int maxDataPayload() {
        return Math.min(ownMaxFrameSize, maxFrameSize) - Frame.HEADER_SIZE;
    }

    void agree(Set<String> capabilities) {
        this.agreedCapabilities = Set.copyOf(capabilities);
    }

    boolean agreed(String capability) {
        return agreedCapabilities.contains(capability);
    }
}
