package dev.porthole.agent.upstream;

import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.relay.FittedReadBuffers;
import dev.porthole.protocol.relay.HalfCloseSocket;
import dev.porthole.protocol.relay.Splice;
import dev.porthole.protocol.relay.StreamEnd;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;

/**
 * Serves TCP streams: dials the local upstream for every stream and relays bytes both ways with
 * half-close and back-pressure. An upstream that refuses resets the stream with
 * {@code UPSTREAM_REFUSED}, so the visitor's connection is closed at once.
 */
public final class TcpUpstream implements StreamAcceptor {

    /**
     * Kernel receive buffer and read size of connections to the local service (TCP and HTTP). A fixed
     * 256 KiB (nearly) instead of the kernel's automatic sizing (which grows to megabytes on a fast
     * loopback): the bytes are read while still in the CPU's cache, which costs less CPU per byte
     * (bench/tcp.sh; the figures are in docs/performance.md). It bounds one
     * connection at 512 KiB in flight (the kernel doubles the value), ample for a local service and
     * still about 400 MiB/s at 1 ms round trip. The exact size is four DATA payloads of a 64 KiB
     * frame, which also fits one 256 KiB frame: a full read leaves as whole frames, without a
     * few-byte frame at its end, whichever of the two sizes the gateway allows. The largest read, not
     * every read: a read buffer fits the bytes read ({@link FittedReadBuffers}), since each is held
     * until its bytes are sent.
     */
    static final int RECEIVE_BUFFER_SIZE = 4 * (64 * 1024 - Frame.HEADER_SIZE);

    private final NetClient client;

    public TcpUpstream(Vertx vertx, Duration connectTimeout) {
        this.client = vertx.createNetClient(new NetClientOptions()
                .setTcpNoDelay(true)
                .setReceiveBufferSize(RECEIVE_BUFFER_SIZE)
                .setConnectTimeout((int) connectTimeout.toMillis()));
    }

    @Override
    public void accept(MuxStream stream, Open open, TunnelSpec tunnel) {
        if (StreamAcceptor.refusedHttpOnTcp(stream, open, tunnel)) {
            return;
        }
        UpstreamAddress upstream = tunnel.upstream();
        client.connect(upstream.port(), upstream.host()).onComplete(connected -> {
            if (connected.failed()) {
                String reason = "cannot connect to " + upstream + ": "
                        + connected.cause().getMessage();
                Log.warnf("tunnel '%s': %s (connection from %s refused)", tunnel.name(), reason, open.source());
                stream.reset(ResetCode.UPSTREAM_REFUSED, reason);
                return;
            }
            Log.debugf("tunnel '%s': connection from %s to %s", tunnel.name(), open.source(), upstream);
            Splice.join(HalfCloseSocket.wrapUnread(connected.result(), RECEIVE_BUFFER_SIZE), new StreamEnd(stream))
                    .onFailure(error -> Log.debugf(
                            "tunnel '%s': connection from %s broke off: %s",
                            tunnel.name(), open.source(), error.getMessage()));
        });
    }
}
