package dev.porthole.protocol.relay;

import dev.porthole.protocol.buffer.Ownership;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import java.net.InetSocketAddress;
import org.jboss.logging.Logger;

/**
 * A UDP socket of a UDP tunnel, a Netty datagram channel on the event loop of a given Vert.x context
 * (the tunnel connection's, so that a datagram read is framed and written to the connection in the
 * same turn of the loop). Vert.x's {@code DatagramSocket} reads one datagram per turn of its loop
 * ({@code maxMessagesPerRead(1)}), hides its channel, and takes the peer as a host string to
 * resolve for every datagram; at a few thousand datagrams a second the kernel dropped most of them
 * at the socket (docs/performance.md). This class reads up to {@link #MAX_MESSAGES_PER_READ} per
 * turn, sends to an {@link InetSocketAddress} or the connected peer, and flushes once per turn.
 *
 * <p>It reaches Vert.x internals ({@code ContextInternal} for the context's event loop and its
 * dispatch, {@code VertxInternal} for the transport's channel type and the name resolver), which
 * Vert.x 4.5 has no public API for.
 */
public final class UdpSocket {

    private static final Logger LOG = Logger.getLogger(UdpSocket.class);

    /** Datagrams read in one turn of the event loop before the loop's other channels get theirs. */
    public static final int MAX_MESSAGES_PER_READ = 32;

    /**
     * Room a read takes for one datagram: more than any UDP datagram (65,507 bytes over IPv4), so
     * that none is cut short silently (Netty reads into 2 KiB unless told otherwise).
     */
    static final int READ_BUFFER = 65536;

    /** Takes the datagrams read, on the context; it owns the payload ({@link Ownership}: release it). */
    @FunctionalInterface
    public interface Receiver {
        void datagram(InetSocketAddress sender, Buffer payload);
    }

    private final Channel channel;
    /** Touched only on the channel's event loop. */
    private boolean flushQueued;

    private UdpSocket(Channel channel) {
        this.channel = channel;
    }

    /** Binds {@code host:port} (port 0: any free one) on the context's event loop. */
    public static Future<UdpSocket> bind(
            Context context, String host, int port, int receiveBufferBytes, Receiver receiver) {
        Bootstrap bootstrap = bootstrap(context, host, receiveBufferBytes, receiver);
        return opened(context, bootstrap.bind(host, port));
    }

    /**
     * Opens a socket on a free port that exchanges datagrams with {@code host:port} only (the kernel
     * drops what others send it). The name is resolved once, by Vert.x's resolver, without blocking.
     */
    public static Future<UdpSocket> connect(
            Context context, String host, int port, int receiveBufferBytes, Receiver receiver) {
        Bootstrap bootstrap = bootstrap(context, host, receiveBufferBytes, receiver)
                .resolver(((VertxInternal) context.owner()).nettyAddressResolverGroup());
        return opened(context, bootstrap.connect(InetSocketAddress.createUnresolved(host, port)));
    }

    private static Bootstrap bootstrap(Context context, String host, int receiveBufferBytes, Receiver receiver) {
        ContextInternal internal = (ContextInternal) context;
        InternetProtocolFamily family = host.contains(":") ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4;
        return new Bootstrap()
                .group(internal.nettyEventLoop())
                .channelFactory(() -> internal.owner().transport().datagramChannel(family))
                .option(ChannelOption.SO_RCVBUF, receiveBufferBytes)
                .option(
                        ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(READ_BUFFER)
                                .respectMaybeMoreData(false)
                                .maxMessagesPerRead(MAX_MESSAGES_PER_READ))
                .handler(new Reads(internal, receiver));
    }

    private static Future<UdpSocket> opened(Context context, ChannelFuture future) {
        Promise<UdpSocket> promise = ((ContextInternal) context).promise();
        future.addListener(done -> {
            if (done.isSuccess()) {
                promise.complete(new UdpSocket(future.channel()));
            } else {
                future.channel().close();
                promise.fail(done.cause());
            }
        });
        return promise.future();
    }

    /** The address and port bound. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Sends a datagram to {@code to}, taking over the payload ({@link Ownership}); false (and the
     * payload released) when the channel's own queue is above its bound or the socket is closed: the
     * datagram is dropped, never queued without bound.
     */
    public boolean send(Buffer payload, InetSocketAddress to) {
        return write(payload, to);
    }

    /** Sends a datagram to the peer of a {@link #connect connected} socket; see {@link #send(Buffer, InetSocketAddress)}. */
    public boolean send(Buffer payload) {
        return write(payload, null);
    }

    private boolean write(Buffer payload, InetSocketAddress to) {
        if (!channel.isActive() || !channel.isWritable()) {
            Ownership.release(payload);
            return false;
        }
        ByteBuf bytes = Ownership.byteBuf(payload);
        Object message = to == null ? bytes : new DatagramPacket(bytes, to);
        if (!channel.eventLoop().inEventLoop()) {
            channel.writeAndFlush(message, channel.voidPromise());
            return true;
        }
        // As the tunnel connection does: the datagrams of one turn, one flush behind them.
        channel.write(message, channel.voidPromise());
        if (!flushQueued) {
            flushQueued = true;
            channel.eventLoop().execute(() -> {
                flushQueued = false;
                channel.flush();
            });
        }
        return true;
    }

    public Future<Void> close() {
        Promise<Void> promise = Promise.promise();
        channel.close().addListener(done -> promise.complete());
        return promise.future();
    }

    /** Hands each datagram read to the receiver on the context, in the pooled buffer it was read into. */
    private static final class Reads extends ChannelInboundHandlerAdapter {
        private final ContextInternal context;
        private final Receiver receiver;

        Reads(ContextInternal context, Receiver receiver) {
            this.context = context;
            this.receiver = receiver;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            DatagramPacket packet = (DatagramPacket) message;
            context.emit(packet, read -> receiver.datagram(read.sender(), Ownership.wrap(read.content())));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // An ICMP "port unreachable" for an earlier datagram, a send the kernel refused: UDP loses
            // datagrams, and the socket stays open.
            LOG.debugf("UDP socket %s: %s", ctx.channel().localAddress(), cause.toString());
        }
    }
}
