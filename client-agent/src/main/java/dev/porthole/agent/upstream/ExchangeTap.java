package dev.porthole.agent.upstream;

import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import io.vertx.core.buffer.Buffer;

/**
 * Sees every HTTP exchange the agent forwards (the inspector records them). Called on the relay's
 * event loops: implementations must return at once, copy what they keep, and never block or pause.
 */
public interface ExchangeTap {

    /** Records nothing. */
    ExchangeTap NONE = (tunnel, head) -> Recording.NONE;

    /** A visitor's request arrived for a tunnel; the returned recording hears the rest of the exchange. */
    Recording begin(TunnelSpec tunnel, HttpRequestHead head);

    /** One exchange as it happens. After {@link #completed()} or {@link #failed} nothing more is reported. */
    interface Recording {

        Recording NONE = new Recording() {};

        /** A chunk of the request body on its way to the upstream. */
        default void requestBody(Buffer chunk) {}

        /** The upstream's response head, as sent back through the tunnel. */
        default void responseHead(HttpResponseHead head) {}

        /** A chunk of the response body on its way back through the tunnel. */
        default void responseBody(Buffer chunk) {}

        /** The response was passed on completely. */
        default void completed() {}

        /** The exchange ended without a full response: the status the visitor sees (502, 504) and why. */
        default void failed(int status, String reason) {}
    }
}
