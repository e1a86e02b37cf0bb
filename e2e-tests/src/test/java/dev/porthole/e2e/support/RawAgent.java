package dev.porthole.e2e.support;

import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.ControlMessage;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.impl.WebSocketInternal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A test agent that speaks the tunnel protocol frame by frame, for hostile-agent tests against a
 * real gateway process: it says HELLO with the tunnels asked for and waits for WELCOME, then sends
 * whatever a test wants (any frame, raw bytes as a binary message, WebSocket pings), keeps what it
 * receives in a queue, can stop reading so that the gateway's writes back up, and reports the close.
 * It answers nothing by itself: no PONG, no WINDOW.
 */
public final class RawAgent implements AutoCloseable {

    /** The gateway's default agent path. */
    public static final String AGENT_PATH = "/_porthole/agent";

    private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(15);

    /** How the gateway closed the connection (1006 when it went without a close frame). */
    public record Closed(int code, String reason) {}

    private final Vertx vertx;
    private final WebSocket socket;
    private final Context context;
    private final FrameCodec codec = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);
    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final AtomicBoolean flooding = new AtomicBoolean();
    private Welcome welcome;

    private RawAgent(Vertx vertx, WebSocket socket, Context context) {
        this.vertx = vertx;
        this.socket = socket;
        this.context = context;
        socket.binaryMessageHandler(message -> {
            try {
                // A copy: the message's bytes are not ours once the handler returns.
                received.add(codec.decode(message.copy()));
            } catch (ProtocolException e) {
                throw new AssertionError("the gateway sent a frame that does not decode: " + e.getMessage(), e);
            }
        });
        // The close frame tells the code and reason at once; the connection itself may take a while to go.
        socket.frameHandler(frame -> {
            if (frame.isClose()) {
                closed.complete(
                        new Closed(frame.closeStatusCode(), frame.closeReason() == null ? "" : frame.closeReason()));
            }
        });
        socket.closeHandler(ignored -> {
            Short code = socket.closeStatusCode();
            closed.complete(
                    new Closed(code == null ? 1006 : code, socket.closeReason() == null ? "" : socket.closeReason()));
        });
        socket.exceptionHandler(error -> {});
    }

    /** An anonymous agent asking for one HTTP tunnel with a random name; returns after WELCOME. */
    public static RawAgent connect(int gatewayPort) {
        return connect(gatewayPort, Map.of(), List.of(TunnelRequest.http("", "raw-agent")));
    }

    /**
     * Opens the agent WebSocket on a gateway on loopback with extra handshake headers
     * ({@code Authorization}, {@code X-Porthole-Client}, {@code X-Porthole-Agent}), sends HELLO with
     * {@code tunnels} and waits for WELCOME.
     */
    public static RawAgent connect(int gatewayPort, Map<String, String> headers, List<TunnelRequest> tunnels) {
        return connect(gatewayPort, headers, tunnels, "raw-agent");
    }

    /** Like {@link #connect(int, Map, List)}, with the agent version HELLO carries (any text). */
    public static RawAgent connect(
            int gatewayPort, Map<String, String> headers, List<TunnelRequest> tunnels, String agentVersion) {
        RawAgent agent = open(gatewayPort, headers);
        try {
            agent.send(new Hello(
                    ProtocolVersion.MIN,
                    ProtocolVersion.MAX,
                    agentVersion,
                    "raw-" + ProcessHandle.current().pid(),
                    Set.of(),
                    256 * 1024,
                    FrameCodec.DEFAULT_MAX_FRAME_SIZE,
                    tunnels));
            agent.welcome = agent.awaitMessage(Welcome.class, WELCOME_TIMEOUT);
            return agent;
        } catch (RuntimeException | AssertionError e) {
            agent.close();
            throw e;
        }
    }

    /** Opens the agent WebSocket and sends nothing: for tests of what comes before or instead of HELLO. */
    public static RawAgent open(int gatewayPort, Map<String, String> headers) {
        Vertx vertx = Vertx.vertx();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(FrameCodec.DEFAULT_MAX_FRAME_SIZE)
                .setMaxMessageSize(FrameCodec.DEFAULT_MAX_FRAME_SIZE)
                .setTryUsePerMessageCompression(false)
                .setTryUsePerFrameCompression(false)
                .setTcpNoDelay(true));
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(gatewayPort)
                .setURI(AGENT_PATH)
                .setConnectTimeout(10_000);
        headers.forEach(options::addHeader);
        // Connected from a context of its own, the socket's handlers and this agent's floods run on one event loop.
        Context context = vertx.getOrCreateContext();
        CompletableFuture<WebSocket> connected = new CompletableFuture<>();
        context.runOnContext(ignored -> client.connect(options).onComplete(result -> {
            if (result.succeeded()) {
                connected.complete(result.result());
            } else {
                connected.completeExceptionally(result.cause());
            }
        }));
        try {
            WebSocket socket = connected.get(15, TimeUnit.SECONDS);
            return new RawAgent(vertx, socket, context);
        } catch (Exception e) {
            vertx.close();
            throw new AssertionError("cannot open the agent WebSocket on port " + gatewayPort + ": " + e, e);
        }
    }

    /** The gateway's answer to HELLO (null for an agent made with {@link #open}). */
    public Welcome welcome() {
        return welcome;
    }

    /** The public address of the first granted tunnel. */
    public String tunnelAddress() {
        return welcome.tunnels().getFirst().publicAddress();
    }

    /** Sends a control message as its frame. */
    public void send(ControlMessage message) {
        send(MessageCodec.encode(message));
    }

    /** Sends one frame, encoded with the protocol's codec (which refuses frames that break its own rules: see {@link #sendRaw}). */
    public void send(Frame frame) {
        sendRaw(codec.encode(frame));
    }

    /** Sends bytes as one binary WebSocket message, whatever they hold. */
    public void sendRaw(Buffer message) {
        socket.writeBinaryMessage(message);
    }

    /** Sends bytes as one raw frame: a header of type, flags and stream id, then the payload. */
    public void sendRaw(int type, int flags, int streamId, Buffer payload) {
        sendRaw(Buffer.buffer()
                .appendByte((byte) type)
                .appendByte((byte) flags)
                .appendInt(streamId)
                .appendBuffer(payload));
    }

    /** Sends a WebSocket-level ping (not a Porthole PING frame). */
    public void ping(Buffer data) {
        socket.writePing(data);
    }

    /**
     * Sends what {@code next} makes, as fast as the connection takes it (writing only while this
     * side's write queue has room), until {@link #stopFlood()}, the connection closes or {@code limit}
     * passes; returns the number sent so far, which keeps growing meanwhile. Runs on the socket's
     * event loop in batches, so the agent still sees the close.
     */
    public AtomicLong flood(Supplier<Buffer> next, Duration limit) {
        return flood(next, limit, false);
    }

    /** Like {@link #flood(Supplier, Duration)}, with WebSocket pings carrying what {@code next} makes. */
    public AtomicLong floodPings(Supplier<Buffer> next, Duration limit) {
        return flood(next, limit, true);
    }

    private AtomicLong flood(Supplier<Buffer> next, Duration limit, boolean pings) {
        AtomicLong sent = new AtomicLong();
        long deadline = System.nanoTime() + limit.toNanos();
        flooding.set(true);
        context.runOnContext(ignored -> floodBatch(next, pings, sent, deadline));
        return sent;
    }

    /**
     * Writes a batch straight to the channel and flushes it once: the flood is limited by the
     * gateway, not by a system call per frame on this side.
     */
    private void floodBatch(Supplier<Buffer> next, boolean pings, AtomicLong sent, long deadline) {
        ChannelHandlerContext channel = ((WebSocketInternal) socket).channelHandlerContext();
        try {
            for (int i = 0; i < 256; i++) {
                if (!flooding.get() || closed.isDone() || System.nanoTime() > deadline) {
                    flooding.set(false);
                    return;
                }
                if (!channel.channel().isWritable()) {
                    socket.drainHandler(ignored -> {
                        socket.drainHandler(null);
                        floodBatch(next, pings, sent, deadline);
                    });
                    return;
                }
                ByteBuf bytes = Unpooled.wrappedBuffer(next.get().getBytes());
                channel.write(
                        pings ? new PingWebSocketFrame(bytes) : new BinaryWebSocketFrame(bytes), channel.voidPromise());
                sent.incrementAndGet();
            }
        } finally {
            channel.flush();
        }
        context.runOnContext(ignored -> floodBatch(next, pings, sent, deadline));
    }

    /** Stops a running flood. */
    public void stopFlood() {
        flooding.set(false);
    }

    /**
     * Stops reading from the socket (the TCP connection, not only the delivery of messages): what
     * the gateway writes fills the socket buffers and then the gateway's own write queue.
     */
    public void stopReading() {
        setReading(false);
    }

    /** Reads again after {@link #stopReading()}. */
    public void resumeReading() {
        setReading(true);
    }

    private void setReading(boolean read) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            ((WebSocketInternal) socket)
                    .channelHandlerContext()
                    .channel()
                    .config()
                    .setAutoRead(read);
            done.complete(null);
        });
        done.join();
    }

    /** Frames received so far and not taken yet, oldest first (a test may take them itself). */
    public BlockingQueue<Frame> received() {
        return received;
    }

    /** Waits for the next frame that decodes to a message of {@code type}, skipping others; fails after {@code timeout}. */
    public <T extends ControlMessage> T awaitMessage(Class<T> type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                Frame frame = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (frame == null) {
                    throw new AssertionError("no " + type.getSimpleName() + " from the gateway within " + timeout
                            + (closed.isDone() ? "; the connection closed: " + closed.join() : ""));
                }
                if (frame.type() == dev.porthole.protocol.frame.FrameType.DATA) {
                    continue;
                }
                ControlMessage message = MessageCodec.decode(frame);
                if (type.isInstance(message)) {
                    return type.cast(message);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ProtocolException e) {
            throw new AssertionError("the gateway sent a message that does not decode: " + e.getMessage(), e);
        }
    }

    /** Completes when the connection closes, with the gateway's close code and reason. */
    public CompletableFuture<Closed> closed() {
        return closed;
    }

    /** Waits for the close; fails when the connection is still open after {@code timeout}. */
    public Closed awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the gateway did not close the agent connection within " + timeout, e);
        }
    }

    @Override
    public void close() {
        flooding.set(false);
        if (closed.isDone()) {
            // The gateway said goodbye already: no closing handshake to wait for.
            ((WebSocketInternal) socket).channelHandlerContext().channel().close();
        } else if (!socket.isClosed()) {
            socket.close();
        }
        // Not waited for: Vert.x would wait out its WebSocket closing timeout (10 s) on a connection the gateway
        // dropped.
        vertx.close();
    }
}
