package dev.porthole.agent.upstream;

import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.mux.MuxStream;

/** Serves the streams of a session that holds HTTP and TCP tunnels at once ({@code porthole start}): each by its tunnel's kind (a TLS passthrough tunnel's bytes are TCP's). */
public final class UpstreamByKind implements StreamAcceptor {

    private final StreamAcceptor http;
    private final StreamAcceptor tcp;

    public UpstreamByKind(StreamAcceptor http, StreamAcceptor tcp) {
        this.http = http;
        this.tcp = tcp;
    }

    @Override
    public void accept(MuxStream stream, Open open, TunnelSpec tunnel) {
        switch (tunnel.kind()) {
            case HTTP -> http.accept(stream, open, tunnel);
            case TCP, TLS -> tcp.accept(stream, open, tunnel);
        }
    }
}
