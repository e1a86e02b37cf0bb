package dev.porthole.protocol.mux;

import dev.porthole.protocol.buffer.Ownership;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;

/**
 * The bytes one stream received and its reader has not yet taken, with the reader's demand
 * ({@link io.vertx.core.streams.ReadStream#fetch}). Never longer than the credit the stream granted
 * ({@link ReceiveWindow}). Confined to the session's context.
 */
final class ReadQueue {

    private final ArrayDeque<Buffer> received = new ArrayDeque<>();
    private long demand = Long.MAX_VALUE;

    void add(Buffer data) {
        received.add(data);
    }

    boolean isEmpty() {
        return received.isEmpty();
    }

    void pause() {
        demand = 0;
    }

    void fetch(long amount) {
        demand = (Long.MAX_VALUE - demand < amount) ? Long.MAX_VALUE : demand + amount;
    }

    /** Whether the reader wants a buffer and one is waiting. */
    boolean ready() {
        return demand > 0 && !received.isEmpty();
    }

    /** The next buffer for the reader, counted against its demand. */
    Buffer next() {
        if (demand != Long.MAX_VALUE) {
            demand--;
        }
        return received.poll();
    }

    /** Releases every buffer still waiting. */
    void discard() {
        for (Buffer data : received) {
            Ownership.release(data);
        }
        received.clear();
    }
}
