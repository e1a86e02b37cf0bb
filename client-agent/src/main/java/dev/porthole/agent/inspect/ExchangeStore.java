package dev.porthole.agent.inspect;

import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.ExchangeTap;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.HttpRequestHead;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * The inspector's memory: the last exchanges, bounded both by count and by a byte budget. The
 * oldest go first when either bound is passed. An exchange is charged for its heads when it starts
 * and for its kept body bytes when it ends (while in progress its bodies are bounded by the cap).
 */
public final class ExchangeStore implements ExchangeTap {

    private final int maxExchanges;
    private final long maxBytes;
    private final int bodyCap;
    private final Clock clock;
    /** The exchanges kept, by increasing id; each knows what it was charged ({@link CapturedExchange#charged}). */
    private final ArrayDeque<CapturedExchange> oldestFirst = new ArrayDeque<>();

    private long bytes;
    private long nextId = 1;
    private long evicted;
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();

    public ExchangeStore(int maxExchanges, long maxBytes, int bodyCap, Clock clock) {
        if (maxExchanges < 1) {
            throw new IllegalArgumentException("the inspector must keep at least 1 request, was " + maxExchanges);
        }
        if (bodyCap < 0) {
            throw new IllegalArgumentException("the body cap must not be negative, was " + bodyCap);
        }
        this.maxExchanges = maxExchanges;
        this.maxBytes = maxBytes;
        this.bodyCap = bodyCap;
        this.clock = clock;
    }

    @Override
    public Recording begin(TunnelSpec tunnel, HttpRequestHead head) {
        return record(tunnel.name(), tunnel.upstream(), head, new BodyCapture(bodyCap), null);
    }

    /** Starts recording an exchange; {@code replayOf} names the exchange it replays, or is null. */
    public synchronized CapturedExchange record(
            String tunnel, UpstreamAddress upstream, HttpRequestHead head, BodyCapture requestBody, Long replayOf) {
        CapturedExchange exchange = new CapturedExchange(
                nextId++, replayOf, clock.instant(), tunnel, upstream, head, requestBody, bodyCap, this::settled);
        oldestFirst.addLast(exchange);
        exchange.kept = true;
        charge(exchange);
        evict();
        changed(exchange.id());
        return exchange;
    }

    private synchronized void settled(CapturedExchange exchange) {
        if (exchange.kept) {
            charge(exchange);
            evict();
            changed(exchange.id());
        }
    }

    /** The id listeners hear when the list was cleared. */
    public static final long CLEARED = -1;

    /** Forgets every exchange (the inspector's "clear"); exchanges still in progress are no longer recorded. */
    public synchronized void clear() {
        oldestFirst.forEach(exchange -> exchange.kept = false);
        oldestFirst.clear();
        bytes = 0;
        changed(CLEARED);
    }

    /**
     * Hears the id of every exchange that starts or ends ({@link #CLEARED} after a clear), on the thread that recorded it (a relay's
     * event loop, under this store's lock): a listener must return at once and never call back.
     */
    public void addListener(LongConsumer listener) {
        listeners.add(listener);
    }

    public void removeListener(LongConsumer listener) {
        listeners.remove(listener);
    }

    private void changed(long id) {
        for (LongConsumer listener : listeners) {
            listener.accept(id);
        }
    }

    private void charge(CapturedExchange exchange) {
        long size = exchange.retainedBytes();
        bytes += size - exchange.charged;
        exchange.charged = size;
    }

    private void evict() {
        while (!oldestFirst.isEmpty() && (oldestFirst.size() > maxExchanges || bytes > maxBytes)) {
            CapturedExchange oldest = oldestFirst.removeFirst();
            oldest.kept = false;
            bytes -= oldest.charged;
            evicted++;
        }
    }

    /** The newest exchanges first, those the filter lets through, at most {@code limit}. */
    public synchronized List<CapturedExchange> newestFirst(ExchangeFilter filter, int limit) {
        List<CapturedExchange> result = new ArrayList<>();
        Iterator<CapturedExchange> newest = oldestFirst.descendingIterator();
        while (newest.hasNext() && result.size() < limit) {
            CapturedExchange exchange = newest.next();
            if (filter.matches(exchange)) {
                result.add(exchange);
            }
        }
        return result;
    }

    /** The exchange of that id, if still kept: looked for from the newest, as the inspector mostly asks for recent ones. */
    public synchronized Optional<CapturedExchange> find(long id) {
        Iterator<CapturedExchange> newest = oldestFirst.descendingIterator();
        while (newest.hasNext()) {
            CapturedExchange exchange = newest.next();
            if (exchange.id() <= id) {
                return exchange.id() == id ? Optional.of(exchange) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    public synchronized int size() {
        return oldestFirst.size();
    }

    /** Bytes charged to the budget right now. */
    public synchronized long bytes() {
        return bytes;
    }

    /** How many exchanges were dropped to stay within the bounds. */
    public synchronized long evicted() {
        return evicted;
    }

    public int maxExchanges() {
        return maxExchanges;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public int bodyCap() {
        return bodyCap;
    }
}
