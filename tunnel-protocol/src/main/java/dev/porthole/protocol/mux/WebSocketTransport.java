package dev.porthole.protocol.mux;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.message.Capabilities;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.impl.WebSocketInternal;
import io.vertx.core.impl.ContextInternal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Carries frames over a Vert.x WebSocket (server or client side), one binary message per frame. */
public final class WebSocketTransport implements FrameTransport {

    /** A WebSocket close reason may hold at most 123 bytes of UTF-8. */
    static final int MAX_CLOSE_REASON_BYTES = 123;

    /** How long an aborted connection's close frame may wait behind unread data before the connection is cut. */
    public static final Duration ABORT_GRACE = Duration.ofSeconds(2);

    /**
     * Capability (HELLO/WELCOME) saying that the gateway accepts unmasked frames from the agent.
     * Only when WELCOME carries it does an agent stop masking: an older gateway would close the
     * connection on its first unmasked frame.
     */
    public static final String UNMASKED_CAPABILITY = Capabilities.UNMASKED;

    private final WebSocketBase socket;
    private final ChannelHandlerContext channel;
    private volatile boolean masked;
    /** Touched only on the channel's event loop. */
    private boolean flushQueued;

    /** A transport over a server socket (never masks) or a client socket (masks until {@link #stopMasking()}). */
    public WebSocketTransport(WebSocketBase socket) {
        this.socket = socket;
        this.channel = socket instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
        this.masked = !(socket instanceof ServerWebSocket);
    }

    /**
     * On a client socket, replaces the frame encoder by one that does not mask; frames written
     * from then on leave unmasked. Call on the socket's event loop once the peer said it accepts
     * them ({@link #UNMASKED_CAPABILITY}). Masking XORs every byte the agent sends with a
     * per-frame key; it protects browsers' shared caches from script-made frames (RFC 6455,
     * section 10.3), which cannot occur between our own two processes, and it cost the agent a
     * fifth of its CPU on a download (docs/performance.md).
     */
    public void stopMasking() {
        if (!masked || channel == null) {
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        WebSocketFrameEncoder encoder = pipeline.get(WebSocketFrameEncoder.class);
        if (encoder != null) {
            pipeline.replace(encoder, pipeline.context(encoder).name(), new WebSocket13FrameEncoder(false));
            masked = false;
        }
    }

    /**
     * Whether frames go out masked. An unmasked transport takes a frame's header and payload as
     * two buffers, which the channel writes with one gathering write and no copy into one buffer;
     * a masking encoder reads a composite buffer int by int, which costs more than the copy.
     */
    public boolean masked() {
        return masked;
    }

    @Override
    public boolean contiguousFrames() {
        return masked;
    }

    /**
     * Connects a session to the socket's messages and close; call before the first message can
     * arrive. Messages are handed over on the session's context (at once when the socket shares it).
     * They are taken frame by frame rather than through Vert.x's message handler, which copies
     * every message once more; a message split into WebSocket fragments is put together here, up
     * to the session's largest frame. A message in one frame, the usual case, is taken from the
     * channel before Vert.x sees it, in the pooled buffer the decoder made, which the session then
     * owns ({@link Ownership}): Vert.x would copy it into a heap buffer first. So pausing the Vert.x
     * socket does not hold such messages back; {@link #pauseReading()} stops the channel's reads.
     * A WebSocket ping is let through to Vert.x, which answers it, only when the session admits it
     * ({@link MuxSession#admitWebSocketPing()}): Vert.x would answer every one of them, however many,
     * whether or not the peer reads the answers.
     */
    public static void bind(WebSocketBase socket, MuxSession session) {
        gatherWithoutCopying(socket);
        MessageAssembler assembler = new MessageAssembler(session);
        if (socket instanceof WebSocketInternal internal) {
            ChannelHandlerContext vertx = internal.channelHandlerContext();
            vertx.pipeline()
                    .addBefore(
                            vertx.name(), "porthole-messages", new WholeMessages(assembler, session, (ContextInternal)
                                    session.context()));
        }
        socket.frameHandler(assembler::frame);
        socket.closeHandler(ignored -> {
            Short code = socket.closeStatusCode();
            session.transportClosed(code == null ? 1006 : code, socket.closeReason());
        });
        // Socket errors are followed by a close; the close handler reports them.
        socket.exceptionHandler(error -> {});
    }

    /**
     * Makes the socket's frame decoder gather a frame that spans several reads by reference rather
     * than by copying every read into one buffer. A large frame almost never ends where a read
     * does, so Netty's default copied nearly every byte received once more before the decoder
     * copied the frame out (docs/performance.md). Call on the socket's event loop.
     */
    private static void gatherWithoutCopying(WebSocketBase socket) {
        if (socket instanceof WebSocketInternal internal
                && internal.channelHandlerContext().pipeline().get(WebSocketFrameDecoder.class)
                        instanceof ByteToMessageDecoder decoder) {
            decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        }
    }

    /**
     * On the connection's own event loop, frames are written to the channel without a flush, and
     * one flush is queued behind them on that loop: everything written in the same turn of the loop
     * (a response head and its body, the answers to many requests that finished together) leaves in
     * one system call. Anywhere else (or on a socket that does not expose its channel) each frame
     * goes through Vert.x, which hands it to the loop in order and flushes it.
     */
    @Override
    public void send(Buffer frame) {
        if (channel != null && channel.executor().inEventLoop()) {
            // The channel releases the frame once written, and with it any pooled payload it holds (Ownership).
            channel.write(new BinaryWebSocketFrame(true, 0, Ownership.byteBuf(frame)), channel.voidPromise());
            if (!flushQueued) {
                flushQueued = true;
                channel.executor().execute(() -> {
                    flushQueued = false;
                    channel.flush();
                });
            }
        } else {
            // Vert.x would hold on to the frame without releasing it: it gets a heap copy instead.
            socket.writeBinaryMessage(Ownership.heapCopy(frame));
            Ownership.release(frame);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public void drainHandler(Runnable onDrain) {
        socket.drainHandler(ignored -> onDrain.run());
    }

    /** Stops the channel's reads (the socket's, below Vert.x); the peer's writes then back up into its own buffers. */
    @Override
    public void pauseReading() {
        if (channel != null) {
            channel.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void resumeReading() {
        if (channel != null) {
            channel.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void close(CloseCode code, String reason) {
        if (!socket.isClosed()) {
            socket.close((short) code.code(), truncate(reason));
        }
    }

    @Override
    public void abort(CloseCode code, String reason) {
        if (channel == null || socket.isClosed()) {
            close(code, reason);
            return;
        }
        pauseReading();
        if (!channel.channel().isWritable()) {
            // The close frame would wait behind what the peer is not reading.
            cut();
            return;
        }
        // Straight to the channel: Vert.x's own close waits (up to its closing timeout) for the peer's close frame.
        channel.writeAndFlush(new CloseWebSocketFrame(code.code(), truncate(reason)))
                .addListener(ChannelFutureListener.CLOSE);
        // The channel counts as writable while its own queue is short, yet the close frame may still wait
        // behind bytes the peer's socket does not take: a peer that reads nothing would keep it open.
        ScheduledFuture<?> deadline =
                channel.executor().schedule(this::cut, ABORT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        channel.channel().closeFuture().addListener(closed -> deadline.cancel(false));
    }

    /**
     * Closes the socket itself, dropping whatever is queued. A close through the pipeline would not
     * do: Vert.x's handler queues it behind the writes still pending, which a peer that reads
     * nothing never takes. Call on the channel's event loop.
     */
    private void cut() {
        channel.channel().unsafe().close(channel.channel().voidPromise());
    }

    /** Cuts a reason to the WebSocket limit without splitting a character. */
    static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        int end = MAX_CLOSE_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Takes a binary message that came in one frame straight to the session, ahead of Vert.x; every
     * other frame (fragments, control frames, text) goes on to Vert.x and the {@link MessageAssembler}.
     */
    private static final class WholeMessages extends ChannelInboundHandlerAdapter {
        private final MessageAssembler assembler;
        private final MuxSession session;
        private final ContextInternal context;

        WholeMessages(MessageAssembler assembler, MuxSession session, ContextInternal context) {
            this.assembler = assembler;
            this.session = session;
            this.context = context;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof BinaryWebSocketFrame frame && frame.isFinalFragment() && assembler.between()) {
                // Emitted the way Vert.x emits the frames and the close that it handles: at once on
                // the session's event loop, queued behind them anywhere else, so the order holds.
                context.emit(Ownership.wrap(frame.content()), assembler::deliver);
                return;
            }
            if (message instanceof PingWebSocketFrame ping) {
                context.emit(ping, admitted -> {
                    if (!session.admitWebSocketPing()) {
                        admitted.release();
                    } else if (ctx.executor().inEventLoop()) {
                        ctx.fireChannelRead(admitted);
                    } else {
                        ctx.executor().execute(() -> ctx.fireChannelRead(admitted));
                    }
                });
                return;
            }
            ctx.fireChannelRead(message);
        }
    }

    /** Turns received WebSocket frames into whole binary messages for a session; runs on the socket's context. */
    private static final class MessageAssembler {
        private final MuxSession session;
        private Buffer partial;
        private boolean text;

        MessageAssembler(MuxSession session) {
            this.session = session;
        }

        void frame(WebSocketFrame frame) {
            switch (frame.type()) {
                case BINARY -> {
                    partial = null;
                    if (frame.isFinal()) {
                        deliver(frame.binaryData());
                    } else {
                        partial = frame.binaryData().copy();
                        checkSize();
                    }
                }
                case CONTINUATION -> {
                    if (text) {
                        return;
                    }
                    if (partial == null) {
                        session.close(CloseCode.PROTOCOL_ERROR, "a continuation frame without a message to continue");
                        return;
                    }
                    partial.appendBuffer(frame.binaryData());
                    if (checkSize() && frame.isFinal()) {
                        Buffer message = partial;
                        partial = null;
                        deliver(message);
                    }
                }
                case TEXT -> {
                    text = true;
                    session.close(CloseCode.PROTOCOL_ERROR, "text messages are not part of the Porthole protocol");
                }
                default -> {
                    // PING, PONG and CLOSE are answered by Vert.x itself.
                }
            }
        }

        /** Whether no fragmented message is being put together (a whole one may come now). */
        boolean between() {
            return partial == null && !text;
        }

        private boolean checkSize() {
            int limit = session.settings().maxFrameSize();
            if (partial != null && partial.length() > limit) {
                partial = null;
                session.close(
                        CloseCode.PROTOCOL_ERROR,
                        "FRAME_TOO_LARGE: a fragmented message grew past the maximum of " + limit + " bytes");
                return false;
            }
            return true;
        }

        void deliver(Buffer message) {
            session.onContext(() -> session.receive(message));
        }
    }
}
