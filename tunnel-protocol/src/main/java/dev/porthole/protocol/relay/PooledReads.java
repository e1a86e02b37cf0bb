package dev.porthole.protocol.relay;

import dev.porthole.protocol.buffer.Ownership;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;

/**
 * What a socket reads, as Netty read it: each pooled read buffer is handed to the data handler
 * itself, which takes it over ({@link Ownership}), instead of Vert.x's copy of it into a heap buffer.
 * Fed by a handler in the channel's pipeline ahead of Vert.x's, on the channel's event loop.
 *
 * <p>Back-pressure is the channel's own: pausing stops reading ({@code autoRead} off); a read that
 * was under way when the pause came is held, with the FIN if it follows, until demand returns. The
 * end handler runs after the last byte read, once nothing is held.
 */
final class PooledReads implements ReadStream<Buffer> {

    private final Channel channel;
    // Held reads and the FIN: touched on the event loop only.
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private boolean finHeld;
    private boolean ended;
    private boolean closed;
    // Demand: set from any thread (a relay's drain handler runs on the far side's event loop).
    private long demand;
    private volatile Handler<Buffer> dataHandler;
    private volatile Handler<Void> endHandler;

    /** Starts paused: nothing is read until a data handler is set and demand given. */
    PooledReads(Channel channel) {
        this.channel = channel;
        channel.config().setAutoRead(false);
    }

    /** A read from the socket; on the event loop. */
    void onRead(ByteBuf data) {
        if (closed || ended || finHeld) {
            data.release();
            return;
        }
        if (!data.isReadable()) {
            data.release();
            return;
        }
        if (!held.isEmpty() || !take()) {
            held.add(data);
            return;
        }
        deliver(data);
    }

    /** The peer's FIN; on the event loop. */
    void onFin() {
        finHeld = true;
        drain();
    }

    /** The socket closed: what is held is dropped; on the event loop. */
    void onClosed() {
        closed = true;
        ByteBuf data;
        while ((data = held.poll()) != null) {
            data.release();
        }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        this.dataHandler = handler;
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
        this.endHandler = handler;
        onLoop(this::drain);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        synchronized (this) {
            demand = 0;
        }
        channel.config().setAutoRead(false);
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (amount <= 0) {
            return this;
        }
        synchronized (this) {
            demand = Long.MAX_VALUE - demand < amount ? Long.MAX_VALUE : demand + amount;
        }
        onLoop(() -> {
            drain();
            if (!closed && !finHeld && held.isEmpty() && hasDemand()) {
                channel.config().setAutoRead(true);
            }
        });
        return this;
    }

    private void drain() {
        while (!closed && !held.isEmpty() && dataHandler != null && take()) {
            deliver(held.poll());
        }
        if (!closed && finHeld && held.isEmpty() && !ended) {
            Handler<Void> handler = endHandler;
            if (handler != null) {
                ended = true;
                handler.handle(null);
            }
        }
    }

    private void deliver(ByteBuf data) {
        Handler<Buffer> handler = dataHandler;
        if (handler == null) {
            held.addFirst(data);
            return;
        }
        handler.handle(Ownership.wrap(data));
        if (!hasDemand()) {
            channel.config().setAutoRead(false);
        }
    }

    /** Takes one unit of demand, if there is any. */
    private synchronized boolean take() {
        if (demand == 0 || dataHandler == null) {
            return false;
        }
        if (demand != Long.MAX_VALUE) {
            demand--;
        }
        return true;
    }

    private synchronized boolean hasDemand() {
        return demand > 0;
    }

    private void onLoop(Runnable action) {
        if (channel.eventLoop().inEventLoop()) {
            action.run();
        } else {
            channel.eventLoop().execute(action);
        }
    }
}
