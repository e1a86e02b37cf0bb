package dev.porthole.agent.tunnel;

import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;

/** Serves a stream the gateway opened for one visitor, by connecting it to the tunnel's upstream. */
public interface StreamAcceptor {

    void accept(MuxStream stream, Open open, TunnelSpec tunnel);

    /**
     * Resets a stream that carries an HTTP request on a TCP tunnel, which a TCP acceptor cannot
     * serve; true when it did.
     */
    static boolean refusedHttpOnTcp(MuxStream stream, Open open, TunnelSpec tunnel) {
        if (open.request() == null) {
            return false;
        }
        stream.reset(
                ResetCode.STREAM_ERROR, "tunnel '" + tunnel.name() + "' is TCP but the stream carries an HTTP request");
        return true;
    }

    /** Who serves the datagrams of UDP tunnels; null when this acceptor serves none. */
    default DatagramAcceptor datagrams() {
        return null;
    }
}
