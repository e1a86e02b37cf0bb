package dev.porthole.agent.tunnel;

import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.mux.Datagrams;

/** Serves the datagrams of a connection's UDP tunnels: each flow to the tunnel's upstream, its answers back. */
public interface DatagramAcceptor {

    /** A visitor's datagram, on the connection's context; answers go back through {@code lane} with the same flow id. */
    void accept(Datagram datagram, TunnelSpec tunnel, Datagrams lane);

    /**
     * An answer (odd flow id) on a flow this agent sent to a private UDP tunnel it dials ({@code
     * porthole connect NAME --udp}), on the connection's context. An agent that dials nothing drops it.
     */
    default void dialed(Datagram answer) {}

    /** The connection ended: its flows end too. */
    void closed(Datagrams lane);
}
