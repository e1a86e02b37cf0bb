package dev.porthole.protocol.mux;

import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.ResetCode;
import io.vertx.core.Handler;
import java.util.ArrayDeque;

/**
 * The response heads of an HTTP {@link MuxStream}. Agent side: the one it sends, before any DATA.
 * Gateway side: those it receives, handed to the reader's handler, or kept in arrival order until
 * it sets one, never merged, so that the reader sees a second final head and can refuse it. The
 * head is sent and the handler set from any thread; the rest runs on the session's context.
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

    /** See {@link MuxStream#respond(HttpResponseHead, boolean)}. */
    void send(HttpResponseHead head, boolean last) {
        stream.session().onContext(() -> {
            if (stream.isClosed()) {
                return;
            }
            try {
                stream.session().frames().response(stream.id(), head, last);
                if (last) {
                    stream.finishedAtOpen();
                    stream.closeIfDone();
                }
            } catch (IllegalArgumentException tooLarge) {
                String reason = "the upstream's response head does not fit in one frame";
                stream.session().frames().reset(stream.id(), ResetCode.UPSTREAM_ERROR, reason);
                stream.fail(new StreamResetException(ResetCode.UPSTREAM_ERROR, tooLarge.getMessage()), false);
            }
        });
    }

    /** Sets the handler, and hands it the heads kept so far, in order, while it is still the handler. */
    void handler(Handler<HttpResponseHead> handler) {
        this.handler = handler;
        stream.session().onContext(() -> deliverUnread(handler));
    }

    private void deliverUnread(Handler<HttpResponseHead> current) {
        while (current != null && handler == current && !stream.isClosed() && !unread.isEmpty()) {
            stream.invoke(current, unread.poll());
        }
        // Body held back while these heads waited (see pending) goes now, unless a head ended the stream.
        if (unread.isEmpty() && !stream.isClosed()) {
            stream.deliverInbound();
        }
    }

    /**
     * Whether heads the reader is about to take are waiting: body and end that came after them wait
     * too. Heads and body are kept apart; a reader that starts reading the body when the first of
     * several kept heads reaches it would otherwise get the body (and the end) of a second head, which
     * it must see to refuse, before that head, and then never the head: the stream would have ended.
     */
    boolean pending() {
        // The empty queue first: the common case, on every delivery of body, skips the volatile read.
        return !unread.isEmpty() && handler != null;
    }

    /** A head the peer sent: delivered or kept; one more than {@link #MAX_UNREAD} unread resets the stream. */
    void received(HttpResponseHead head) {
        if (stream.isClosed()) {
            return;
        }
        Handler<HttpResponseHead> current = handler;
        if (current != null && unread.isEmpty()) {
            stream.invoke(current, head);
        } else if (unread.size() < MAX_UNREAD) {
            unread.add(head);
        } else {
            String message = "more than " + MAX_UNREAD + " response heads on one stream";
            stream.session().frames().reset(stream.id(), ResetCode.STREAM_ERROR, message);
            stream.fail(new StreamResetException(ResetCode.STREAM_ERROR, message), true);
        }
    }

    void clear() {
        unread.clear();
    }
}
