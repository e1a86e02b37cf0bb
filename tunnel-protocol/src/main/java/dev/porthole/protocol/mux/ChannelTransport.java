package dev.porthole.protocol.mux;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.buffer.Ownership;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketInternal;
import io.vertx.core.impl.ContextInternal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Carries frames over a server WebSocket's channel taken from Vert.x once the upgrade is done: the
 * gateway's end of an agent connection. Vert.x's WebSocket and HTTP connection keep, for the
 * connection's lifetime, what the upgrade request carried (its URI, path and host, the handshaker,
 * promises, an inbound buffer), about 1.4 KiB per idle agent (docs/performance.md); here one
 * handler at the end of the channel's pipeline takes the frames Netty's decoder makes, answers
 * pings and the close handshake, and reports the close, and Vert.x's objects are let go.
 *
 * <p>Everything a {@link WebSocketTransport} does for a server socket holds here too: frames are
 * written without a flush on the channel's event loop with one flush queued behind them, a message
 * in one frame reaches the session in the decoder's pooled buffer, fragments are put together up to
 * the session's largest frame, a text message or a broken frame closes the connection, and pings are
 * answered only while the session admits them.
 */
public final class ChannelTransport implements FrameTransport {

    /** How long a close frame sent waits for the peer's before the connection is cut (Vert.x's default). */
    static final Duration CLOSING_TIMEOUT = Duration.ofSeconds(10);

    /** Vert.x's handler's place in the pipeline until {@link #bind} takes it over, then null: it holds Vert.x's objects. */
    private ChannelHandlerContext vertxHandler;

    private final Channel channel;
    /** The session's context (on the channel's event loop), set by {@link #bind}. */
    private ContextInternal context;
    /** Touched only on the channel's event loop. */
    private boolean flushQueued;

    private Runnable drain;
    /** Set on the event loop once this side sent its close frame. */
    private boolean closeSent;
    /** The peer's close frame, once it came; reported when the channel closes. */
    private int closeCode = 1006;

    private String closeReason;

    private ChannelTransport(ChannelHandlerContext vertxHandler) {
        this.vertxHandler = vertxHandler;
        this.channel = vertxHandler.channel();
    }

    /**
     * Takes the channel of an upgraded server WebSocket; call on its event loop, right after the
     * upgrade, before the first frame can arrive, and {@link #bind} the session in the same turn.
     * Until then nothing reads the channel's frames.
     */
    public static ChannelTransport of(ServerWebSocket socket) {
        if (!(socket instanceof WebSocketInternal internal)) {
            throw new IllegalArgumentException("not a Vert.x server WebSocket: " + socket.getClass());
        }
        return new ChannelTransport(internal.channelHandlerContext());
    }

    /**
     * Puts the session's handler in place of Vert.x's: from now on frames go to the session, and
     * Vert.x's WebSocket and HTTP connection hear nothing more of the channel (whoever else holds them
     * keeps them: the caller should not).
     */
    public void bind(MuxSession session) {
        context = (ContextInternal) session.context();
        ChannelHandlerContext taken = vertxHandler;
        vertxHandler = null;
        if (!channel.isActive()) {
            // It closed before the session got it (the agent went while it was authenticated): Vert.x heard of it.
            context.emit("", why -> session.transportClosed(1006, why));
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(WebSocketFrameDecoder.class) instanceof ByteToMessageDecoder decoder) {
            // A frame that spans several reads is gathered by reference (see WebSocketTransport).
            decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        }
        pipeline.replace(taken.handler(), "porthole-frames", new Frames(session));
        // Vert.x stopped reading while the upgrade request was handled (the request was paused).
        channel.config().setAutoRead(true);
    }

    @Override
    public void send(Buffer frame) {
        BinaryWebSocketFrame message = new BinaryWebSocketFrame(true, 0, Ownership.byteBuf(frame));
        if (channel.eventLoop().inEventLoop()) {
            // The channel releases the frame once written, and with it any pooled payload it holds (Ownership).
            channel.write(message, channel.voidPromise());
            if (!flushQueued) {
                flushQueued = true;
                channel.eventLoop().execute(() -> {
                    flushQueued = false;
                    channel.flush();
                });
            }
        } else {
            channel.writeAndFlush(message, channel.voidPromise());
        }
    }

    @Override
    public boolean contiguousFrames() {
        return false;
    }

    @Override
    public boolean writeQueueFull() {
        return !channel.isWritable();
    }

    @Override
    public void drainHandler(Runnable onDrain) {
        this.drain = onDrain;
    }

    @Override
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    /** Sends a close frame; the connection ends when the peer answers with its own, or after {@link #CLOSING_TIMEOUT}. */
    @Override
    public void close(CloseCode code, String reason) {
        onLoop(() -> {
            if (closeSent || !channel.isActive()) {
                return;
            }
            closeSent = true;
            channel.writeAndFlush(new CloseWebSocketFrame(code.code(), WebSocketTransport.truncate(reason)));
            cutAfter(CLOSING_TIMEOUT);
        });
    }

    @Override
    public void abort(CloseCode code, String reason) {
        onLoop(() -> {
            if (!channel.isActive()) {
                return;
            }
            pauseReading();
            if (closeSent || !channel.isWritable()) {
                // A close frame went already, or would wait behind what the peer is not reading.
                cut();
                return;
            }
            closeSent = true;
            channel.writeAndFlush(new CloseWebSocketFrame(code.code(), WebSocketTransport.truncate(reason)))
                    .addListener(ChannelFutureListener.CLOSE);
            // The close frame may wait behind bytes the peer's socket does not take.
            cutAfter(WebSocketTransport.ABORT_GRACE);
        });
    }

    private void cutAfter(Duration grace) {
        var deadline = channel.eventLoop().schedule(this::cut, grace.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> deadline.cancel(false));
    }

    /** Closes the socket itself, dropping whatever is queued. */
    private void cut() {
        channel.unsafe().close(channel.voidPromise());
    }

    private void onLoop(Runnable action) {
        if (channel.eventLoop().inEventLoop()) {
            action.run();
        } else {
            channel.eventLoop().execute(action);
        }
    }

    /** The last handler of the channel: the session's frames, pings, the close handshake and writability. */
    private final class Frames extends ChannelInboundHandlerAdapter {
        private final MuxSession session;
        /** A fragmented binary message being put together; null between messages. */
        private CompositeByteBuf partial;

        Frames(MuxSession session) {
            this.session = session;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof WebSocketFrame frame)) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (frame instanceof BinaryWebSocketFrame && frame.isFinalFragment() && partial == null) {
                // Emitted on the session's context, in the decoder's pooled buffer, which the session takes over.
                context.emit(Ownership.wrap(frame.content()), session::receive);
            } else if (frame instanceof BinaryWebSocketFrame) {
                dropPartial();
                partial = ctx.alloc().compositeBuffer();
                append(frame);
            } else if (frame instanceof ContinuationWebSocketFrame) {
                if (partial == null) {
                    frame.release();
                    protocolError("a continuation frame without a message to continue");
                    return;
                }
                append(frame);
            } else if (frame instanceof TextWebSocketFrame) {
                frame.release();
                protocolError("text messages are not part of the Porthole protocol");
            } else if (frame instanceof PingWebSocketFrame ping) {
                context.emit(ping, this::answer);
            } else if (frame instanceof CloseWebSocketFrame close) {
                peerClosed(close);
            } else {
                // PONG: nothing asks for one.
                frame.release();
            }
        }

        private void append(WebSocketFrame frame) {
            boolean last = frame.isFinalFragment();
            partial.addComponent(true, frame.content());
            int limit = session.settings().maxFrameSize();
            if (partial.readableBytes() > limit) {
                dropPartial();
                protocolError("FRAME_TOO_LARGE: a fragmented message grew past the maximum of " + limit + " bytes");
            } else if (last) {
                ByteBuf whole = partial;
                partial = null;
                context.emit(Ownership.wrap(whole), session::receive);
            }
        }

        private void dropPartial() {
            if (partial != null) {
                partial.release();
                partial = null;
            }
        }

        private void protocolError(String reason) {
            context.emit(reason, why -> session.close(CloseCode.PROTOCOL_ERROR, why));
        }

        /** On the session's context, which is this channel's event loop. */
        private void answer(PingWebSocketFrame ping) {
            if (session.admitWebSocketPing() && channel.isActive() && !closeSent) {
                channel.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else {
                ping.release();
            }
        }

        /** The peer's close frame: answered with the same code unless this side closed first, then the connection ends. */
        private void peerClosed(CloseWebSocketFrame close) {
            closeCode = close.statusCode() < 0 ? 1005 : close.statusCode();
            closeReason = close.reasonText();
            close.release();
            if (closeSent) {
                channel.close();
                return;
            }
            closeSent = true;
            channel.writeAndFlush(new CloseWebSocketFrame(closeCode == 1005 ? 1000 : closeCode, closeReason))
                    .addListener(ChannelFutureListener.CLOSE);
            cutAfter(WebSocketTransport.ABORT_GRACE);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            Runnable onDrain = drain;
            if (channel.isWritable() && onDrain != null) {
                context.emit(onDrain, Runnable::run);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            dropPartial();
            int code = closeCode;
            String reason = closeReason == null ? "" : closeReason;
            context.emit(reason, why -> session.transportClosed(code, why));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof CorruptedWebSocketFrameException broken) {
                // The decoder reads nothing more from this peer: the close frame says why.
                protocolError("a broken WebSocket frame: " + broken.getMessage());
            } else {
                // A socket error: the connection ends, and channelInactive reports it.
                ctx.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            ReferenceCountUtil.release(event);
        }
    }
}
