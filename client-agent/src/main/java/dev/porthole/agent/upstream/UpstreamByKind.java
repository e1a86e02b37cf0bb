package dev.porthole.agent.upstream;

import dev.porthole.agent.tunnel.DatagramAcceptor;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.mux.MuxStream;

/** Serves the streams of a session that holds HTTP, TCP and UDP tunnels at once ({@code porthole start}): each by its tunnel's kind (a TLS passthrough tunnel's bytes are TCP's). */
public final class UpstreamByKind implements StreamAcceptor {

    private final StreamAcceptor http;
    private final StreamAcceptor tcp;
    private final UdpUpstream udp;

    public UpstreamByKind(StreamAcceptor http, StreamAcceptor tcp, UdpUpstream udp) {
        this.http = http;
        this.tcp = tcp;
        this.udp = udp;
    }

    @Override
    public DatagramAcceptor datagrams() {
        return udp;
    }

    @Override
    public void accept(MuxStream stream, Open open, TunnelSpec tunnel) {
        switch (tunnel.kind()) {
            case HTTP -> http.accept(stream, open, tunnel);
            case TCP, TLS -> tcp.accept(stream, open, tunnel);
            case UDP -> udp.accept(stream, open, tunnel);
        }
    }
}
