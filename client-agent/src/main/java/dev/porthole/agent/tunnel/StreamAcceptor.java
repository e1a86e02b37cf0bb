package dev.porthole.agent.tunnel;

import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.mux.MuxStream;

/** Serves a stream the gateway opened for one visitor, by connecting it to the tunnel's upstream. */
public interface StreamAcceptor {

    void accept(MuxStream stream, Open open, TunnelSpec tunnel);

    /** Who serves the datagrams of UDP tunnels; null when this acceptor serves none. */
    default DatagramAcceptor datagrams() {
        return null;
    }
}
