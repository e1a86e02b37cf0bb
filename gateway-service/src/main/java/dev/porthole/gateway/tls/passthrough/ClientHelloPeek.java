package dev.porthole.gateway.tls.passthrough;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a connection's TLS ClientHello, at most {@code maxLength} bytes of it and within a deadline,
 * to learn the SNI name, without answering or decrypting anything. Netty's {@link AbstractSniHandler}
 * does the parsing (records, fragments, the length bound); this handler only reports the outcome
 * once, then leaves the pipeline, which hands the bytes it held on unchanged, so that the far end
 * receives the ClientHello as the visitor sent it.
 */
final class ClientHelloPeek extends AbstractSniHandler<String> {

    /** What became of a peek; called once, on the channel's event loop. */
    interface Outcome {
        /**
         * The ClientHello is in; {@code hostname} is its SNI name (lower case), or null when it names
         * none or the bytes are not TLS. The bytes held are handed on right after this returns.
         */
        void read(String hostname);

        /** The connection is closed without a name: {@code outcome} is {@code too-large}, {@code not-tls}, {@code timeout} or {@code broken}. */
        void failed(String outcome, String reason);
    }

    private final long timeoutMillis;
    private final Outcome outcome;
    private ScheduledFuture<?> deadline;
    private boolean decided;

    ClientHelloPeek(int maxLength, long timeoutMillis, Outcome outcome) {
        // Netty's own handshake timeout is off (0): this handler's deadline reports the outcome too.
        super(maxLength, 0);
        this.timeoutMillis = timeoutMillis;
        this.outcome = outcome;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        deadline = ctx.executor()
                .schedule(
                        () -> {
                            if (decide()) {
                                outcome.failed("timeout", "no complete ClientHello within " + timeoutMillis + " ms");
                                ctx.close();
                            }
                        },
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
    }

    @Override
    protected Future<String> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(hostname);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<String> future) {
        if (decide()) {
            outcome.read(hostname);
        }
        // Leaving the pipeline hands the bytes read so far to the next handler, as they came.
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!decide()) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        // Netty closed the channel already for these (a ClientHello over the bound, bytes that are no TLS record).
        boolean tooLarge = cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException;
        outcome.failed(tooLarge ? "too-large" : "not-tls", String.valueOf(cause.getMessage()));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (decide()) {
            outcome.failed("broken", "the connection closed before its ClientHello was complete");
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        super.handlerRemoved0(ctx);
    }

    /** True the first time only: every connection has one outcome. */
    private boolean decide() {
        if (decided) {
            return false;
        }
        decided = true;
        cancelDeadline();
        return true;
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
