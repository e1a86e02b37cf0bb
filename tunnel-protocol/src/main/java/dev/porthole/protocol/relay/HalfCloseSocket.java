package dev.porthole.protocol.relay;

import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.StreamResetException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Vert.x TCP socket with TCP half-close, as one side of a relay. Vert.x 4 closes a socket as soon
 * as its peer sends FIN and has no way to send a FIN alone; both break protocols where one side
 * says "that was all" and then waits for the answer. This enables Netty's half-closure on the
 * channel, turns the peer's FIN into the end of {@link #source()} (in order, after every byte read
 * before it) and makes {@code sink().end()} a {@code shutdownOutput()} once the last write left.
 *
 * <p>The sink takes over what it is given ({@link Ownership}): a pooled buffer goes to the channel
 * as it is, and the channel releases it once written. A socket wrapped before its first read
 * ({@link #wrapUnread}) also hands its reads on without Vert.x's copy ({@link PooledReads}).
 */
public final class HalfCloseSocket implements RelayEnd {

    private final NetSocket socket;
    private final Channel channel;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final ReadStream<Buffer> source;
    private final PooledReads pooledReads;
    private final Sink sink = new Sink();
    private volatile boolean idle;
    private volatile Handler<Throwable> failureHandler;

    private HalfCloseSocket(NetSocket socket, ChannelHandlerContext vertxHandler, boolean unread) {
        this.socket = socket;
        this.channel = vertxHandler.channel();
        this.pooledReads = unread ? new PooledReads(channel) : null;
        this.source = unread ? pooledReads : new Source();
    }

    /**
     * Wraps a socket that may have read already (one taken over from an HTTP exchange): its reads
     * come through Vert.x, which copies each. Call on its event loop, and pause the socket first if
     * nobody reads it yet.
     */
    public static HalfCloseSocket wrap(NetSocket socket) {
        return wrap(socket, false);
    }

    /**
     * Wraps a socket in its connect or accept handler, before its first read: its reads are handed
     * on as Netty made them, without a copy, and it reads nothing until its source is given demand.
     * Call on its event loop.
     */
    public static HalfCloseSocket wrapUnread(NetSocket socket) {
        return wrap(socket, true);
    }

    /**
     * {@link #wrapUnread(NetSocket)}, with read buffers that fit what is read, of at most
     * {@code largestRead} bytes ({@link FittedReadBuffers}): for a socket with a receive buffer size
     * set, which Vert.x otherwise reads into buffers of that size however little arrives.
     */
    public static HalfCloseSocket wrapUnread(NetSocket socket, int largestRead) {
        HalfCloseSocket wrapped = wrap(socket, true);
        wrapped.channel.config().setRecvByteBufAllocator(FittedReadBuffers.upTo(largestRead));
        return wrapped;
    }

    private static HalfCloseSocket wrap(NetSocket socket, boolean unread) {
        ChannelHandlerContext context = ((NetSocketInternal) socket).channelHandlerContext();
        HalfCloseSocket wrapped = new HalfCloseSocket(socket, context, unread);
        context.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        context.pipeline().addBefore(context.name(), "porthole-half-close", wrapped.new FinMarker());
        socket.closeHandler(ignored -> wrapped.onClosed());
        socket.exceptionHandler(wrapped::fail);
        return wrapped;
    }

    /** The Vert.x socket underneath, for its addresses. */
    public NetSocket socket() {
        return socket;
    }

    @Override
    public ReadStream<Buffer> source() {
        return source;
    }

    @Override
    public WriteStream<Buffer> sink() {
        return sink;
    }

    @Override
    public void failureHandler(Handler<Throwable> handler) {
        this.failureHandler = handler;
    }

    @Override
    public void abort(Throwable cause) {
        if (settled.compareAndSet(false, true) && channel.isOpen()) {
            // Linger 0: the close sends RST, so the peer sees a broken connection, not a clean end of data.
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            socket.close();
        }
    }

    @Override
    public void finish() {
        if (settled.compareAndSet(false, true)) {
            socket.close();
        }
    }

    private void onClosed() {
        if (pooledReads != null) {
            pooledReads.onClosed();
        }
        fail(
                idle
                        ? new StreamResetException(ResetCode.IDLE_TIMEOUT, "the connection was idle for too long")
                        : new StreamResetException(
                                ResetCode.CANCEL, "the connection to " + socket.remoteAddress() + " closed"));
    }

    private void fail(Throwable cause) {
        if (settled.compareAndSet(false, true)) {
            Handler<Throwable> handler = failureHandler;
            if (handler != null) {
                handler.handle(cause);
            }
            socket.close();
        }
    }

    @Override
    public String toString() {
        return "socket " + socket.remoteAddress();
    }

    /**
     * Turns the peer's FIN into an empty read, which travels through Vert.x's inbound buffer behind
     * the data read before it; TCP never delivers an empty read otherwise. On an unread socket it
     * takes the reads and the FIN itself, ahead of Vert.x.
     */
    private final class FinMarker extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (pooledReads != null && message instanceof ByteBuf data) {
                pooledReads.onRead(data);
                return;
            }
            ctx.fireChannelRead(message);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == ChannelInputShutdownEvent.INSTANCE) {
                if (pooledReads != null) {
                    pooledReads.onFin();
                } else {
                    ctx.fireChannelRead(Unpooled.EMPTY_BUFFER);
                }
                return;
            }
            if (event instanceof IdleStateEvent) {
                idle = true;
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    /** The bytes the peer sends, ending at its FIN. */
    private final class Source implements ReadStream<Buffer> {
        private volatile Handler<Void> endHandler;
        private volatile Handler<Buffer> dataHandler;

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> handler) {
            this.dataHandler = handler;
            socket.handler(handler == null ? null : this::onRead);
            return this;
        }

        private void onRead(Buffer data) {
            if (data.length() == 0) {
                Handler<Void> end = endHandler;
                if (end != null) {
                    end.handle(null);
                }
            } else {
                dataHandler.handle(data);
            }
        }

        @Override
        public ReadStream<Buffer> pause() {
            socket.pause();
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            socket.resume();
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            socket.fetch(amount);
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> handler) {
            this.endHandler = handler;
            return this;
        }
    }

    /** The bytes sent to the peer; ending it sends FIN. */
    private final class Sink implements WriteStream<Buffer> {
        private volatile Future<Void> lastWrite = Future.succeededFuture();

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            // The buffer itself, not Vert.x's unreleasable view of it: the channel releases it once written.
            Future<Void> written = ((NetSocketInternal) socket).writeMessage(Ownership.byteBuf(data));
            lastWrite = written;
            return written;
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            write(data).onComplete(handler);
        }

        @Override
        public Future<Void> end() {
            // Netty's shutdownOutput drops writes still queued, so it waits for the last one (they complete in order).
            Promise<Void> ended = Promise.promise();
            lastWrite.onComplete(written -> {
                if (written.failed()) {
                    ended.fail(written.cause());
                } else if (channel instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput().addListener(shut -> {
                        if (shut.isSuccess()) {
                            ended.tryComplete();
                        } else {
                            ended.tryFail(shut.cause());
                        }
                    });
                } else {
                    ended.fail(new IllegalStateException("channel " + channel + " cannot half-close"));
                }
            });
            return ended.future();
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            end().onComplete(handler);
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            socket.setWriteQueueMaxSize(maxSize);
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return socket.writeQueueFull();
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            socket.drainHandler(handler);
            return this;
        }
    }
}
