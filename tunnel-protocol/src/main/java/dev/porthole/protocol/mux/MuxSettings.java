package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.FrameCodec;

/**
 * The limits one side of a tunnel connection enforces.
 *
 * @param maxFrameSize largest frame this side accepts (and the most it sends before the peer says otherwise)
 * @param initialWindow bytes of credit this side grants the peer on every stream: the most it buffers per stream
 * @param maxStreams most streams the peer may have open towards this side at once; more are reset
 * @param writeQueueMaxSize bytes a local writer may queue on one stream before {@code writeQueueFull()} turns true
 */
public record MuxSettings(int maxFrameSize, int initialWindow, int maxStreams, int writeQueueMaxSize) {

    /** 256 KiB of credit per stream: a full-speed loopback stream never waits for WINDOW. */
    public static final int DEFAULT_INITIAL_WINDOW = 256 * 1024;
    public static final int DEFAULT_MAX_STREAMS = 1024;

    public static final MuxSettings DEFAULTS = new MuxSettings(FrameCodec.DEFAULT_MAX_FRAME_SIZE, DEFAULT_INITIAL_WINDOW,
            DEFAULT_MAX_STREAMS, DEFAULT_INITIAL_WINDOW);

    public MuxSettings {
        if (maxFrameSize < FrameCodec.MIN_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be at least " + FrameCodec.MIN_MAX_FRAME_SIZE);
        }
        if (initialWindow <= 0 || maxStreams <= 0 || writeQueueMaxSize <= 0) {
            throw new IllegalArgumentException("initialWindow, maxStreams and writeQueueMaxSize must be positive");
        }
    }

    /** A writer that ignores {@code writeQueueFull()} and queues past this is cut off: the stream is reset. */
    public long writeQueueHardLimit() {
        return 4L * writeQueueMaxSize + maxFrameSize;
    }
}
