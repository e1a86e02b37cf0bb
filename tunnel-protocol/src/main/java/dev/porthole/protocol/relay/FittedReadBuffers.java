package dev.porthole.protocol.relay;

import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * Read buffers that fit what a socket reads, up to a largest size: a short reply is read into a
 * buffer little larger than itself, a bulk transfer into the largest within three reads.
 *
 * <p>A socket whose reads are handed on without a copy ({@link HalfCloseSocket#wrapUnread}) holds each
 * read buffer, whole, until the bytes in it are written on. Vert.x reads a socket with a
 * receive buffer size set into buffers of exactly that size, however few bytes arrive; an agent that
 * read 500 one-kilobyte replies into 256 KiB buffers held 125 MiB for 500 KiB, ran out of direct
 * memory, and stopped (its event loop waiting for memory that never came). Here a read that fills
 * its buffer makes the next one eight times larger, up to the largest; a read of less than an eighth
 * of its buffer makes the next one the power of two that fits it (never below {@link #SMALLEST}), so
 * a buffer held for a read that did not fill it is at most eight times its bytes. Reads in between
 * keep the size: a bulk transfer whose reads find a little less than a buffer's worth waiting goes
 * on with the largest buffers instead of shrinking to each read and taking more, smaller reads.
 */
public final class FittedReadBuffers extends DefaultMaxMessagesRecvByteBufAllocator {

    /** The first and smallest read buffer. */
    static final int SMALLEST = 2048;

    private static final int GROWTH = 8;

    private final int largest;

    private FittedReadBuffers(int largest) {
        if (largest < SMALLEST) {
            throw new IllegalArgumentException("the largest read buffer must be at least " + SMALLEST + " bytes");
        }
        this.largest = largest;
    }

    /** Read buffers of at most {@code largest} bytes, for a channel's {@code RecvByteBufAllocator}. */
    public static FittedReadBuffers upTo(int largest) {
        return new FittedReadBuffers(largest);
    }

    /** The size of the read buffer after one of {@code size} bytes read {@code bytes}. */
    int next(int size, int bytes) {
        if (bytes >= size) {
            return (int) Math.min(largest, (long) size * GROWTH);
        }
        if (bytes > size / GROWTH) {
            return size;
        }
        int powerOfTwoAtLeastBytes = bytes <= 1 ? 1 : Integer.highestOneBit(bytes - 1) << 1;
        return Math.clamp(powerOfTwoAtLeastBytes, SMALLEST, largest);
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            private int size = SMALLEST;

            @Override
            public int guess() {
                return size;
            }

            @Override
            public void lastBytesRead(int bytes) {
                if (bytes > 0) {
                    size = next(attemptedBytesRead(), bytes);
                }
                super.lastBytesRead(bytes);
            }
        };
    }
}
