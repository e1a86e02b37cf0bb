package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.FrameCodec;

/**
 * The limits one side of a tunnel connection enforces.
 *
 * <p>Receive windows tune themselves: a stream starts with {@code initialWindow} bytes of credit,
 * and each time it returns credit while its sender had nearly run out and its reader had kept up,
 * its window doubles, up to {@code maxWindow}. A stream that carries a bulk transfer thus gets the
 * credit that keeps both ends busy (a fixed 256 KiB window left a third of a 2-core machine idle on
 * a loopback download, waiting for WINDOW frames), while a slow reader never earns a larger one.
 * What the streams of one connection grow beyond their initial windows is bounded by
 * {@link #windowGrowthBudget()}.
 *
 * @param maxFrameSize largest frame this side accepts (and the most it sends before the peer says otherwise)
 * @param initialWindow bytes of credit this side grants the peer on every new stream
 * @param maxWindow most credit one stream's window may grow to; equal to {@code initialWindow} for a fixed window
 * @param maxStreams most streams the peer may have open towards this side at once; more are reset
 * @param writeQueueMaxSize bytes a local writer may queue on one stream before {@code writeQueueFull()} turns true
 */
public record MuxSettings(int maxFrameSize, int initialWindow, int maxWindow, int maxStreams, int writeQueueMaxSize) {

    /** 256 KiB of credit per new stream: what a short exchange needs, and the floor a window never shrinks below. */
    public static final int DEFAULT_INITIAL_WINDOW = 256 * 1024;
    /** A bulk stream's window may grow to 4 MiB: enough for a loopback transfer at memory speed. */
    public static final int DEFAULT_MAX_WINDOW = 4 * 1024 * 1024;

    public static final int DEFAULT_MAX_STREAMS = 1024;
    /** How many streams of one connection may be at their largest window at once. */
    static final int FULL_WINDOWS_PER_CONNECTION = 4;

    public static final MuxSettings DEFAULTS = new MuxSettings(
            FrameCodec.DEFAULT_MAX_FRAME_SIZE,
            DEFAULT_INITIAL_WINDOW,
            DEFAULT_MAX_WINDOW,
            DEFAULT_MAX_STREAMS,
            DEFAULT_INITIAL_WINDOW);

    public MuxSettings {
        if (maxFrameSize < FrameCodec.MIN_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be at least " + FrameCodec.MIN_MAX_FRAME_SIZE);
        }
        if (initialWindow <= 0 || maxStreams <= 0 || writeQueueMaxSize <= 0) {
            throw new IllegalArgumentException("initialWindow, maxStreams and writeQueueMaxSize must be positive");
        }
        if (maxWindow < initialWindow) {
            throw new IllegalArgumentException(
                    "maxWindow (" + maxWindow + ") must not be below initialWindow (" + initialWindow + ")");
        }
    }

    /**
     * The most credit all streams of one connection may hold beyond their initial windows together:
     * {@value #FULL_WINDOWS_PER_CONNECTION} streams at their largest window. With the initial windows
     * it bounds what a connection buffers: {@code maxStreams * initialWindow + windowGrowthBudget()}.
     */
    public long windowGrowthBudget() {
        return (long) FULL_WINDOWS_PER_CONNECTION * (maxWindow - initialWindow);
    }

    /** A writer that ignores {@code writeQueueFull()} and queues past this is cut off: the stream is reset. */
    public long writeQueueHardLimit() {
        return 4L * writeQueueMaxSize + maxFrameSize;
    }
}
