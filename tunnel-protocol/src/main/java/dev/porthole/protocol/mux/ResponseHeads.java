package dev.porthole.protocol.mux;

import dev.porthole.protocol.message.HttpResponseHead;
import io.vertx.core.Handler;
import java.util.ArrayDeque;

/**
 * The response heads a gateway-side {@link MuxStream} receives: handed to the reader's handler, or
 * kept in arrival order until it sets one, never merged, so that the reader sees a second final
 * head and can refuse it. The handler is set from any thread; the rest runs on the session's context.
 */
final class ResponseHeads {

    /**
     * Heads kept for a reader that has not set its handler yet. A real response has a final head
     * after at most a few interim ones (100, 103); a peer that sends more is refused.
     */
    static final int MAX_UNREAD = 8;

    private final MuxStream stream;
    private final ArrayDeque<HttpResponseHead> unread = new ArrayDeque<>(2);
    private volatile Handler<HttpResponseHead> handler;

    ResponseHeads(MuxStream stream) {
        this.stream = stream;
    }

    void handler(Handler<HttpResponseHead> handler) {
        this.handler = handler;
    }

    /** Hands {@code current} the heads kept so far, in order, while it is still the handler. */
    void deliverUnread(Handler<HttpResponseHead> current) {
        while (current != null && handler == current && !stream.isClosed() && !unread.isEmpty()) {
            stream.invoke(current, unread.poll());
        }
    }

    /** Delivers or keeps {@code head}; false when the peer sent more than {@link #MAX_UNREAD} the reader has not taken. */
    boolean received(HttpResponseHead head) {
        Handler<HttpResponseHead> current = handler;
        if (current != null && unread.isEmpty()) {
            stream.invoke(current, head);
        } else if (unread.size() < MAX_UNREAD) {
            unread.add(head);
        } else {
            return false;
        }
        return true;
    }

    void clear() {
        unread.clear();
    }
}
