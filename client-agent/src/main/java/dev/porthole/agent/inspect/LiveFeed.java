package dev.porthole.agent.inspect;

import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Pushes the request list to one open inspector page over a WebSocket: first the whole list for
 * the page's filter, then each row as its exchange starts and ends. The store tells it ids on the
 * relays' event loops; it keeps at most {@code maxPending} ids not yet sent, written on the
 * socket's own context only while Vert.x's write queue has room. A page that reads too slowly
 * loses the ids beyond the bound and is told how many with a {@code missed} message.
 *
 * <p>Messages (JSON text): {@code {"rows": html}} replaces the list (at the start and after a clear), {@code {"id": n, "row": html}}
 * adds or replaces one row, {@code {"missed": n}} says n changes were dropped.
 */
final class LiveFeed implements LongConsumer {

    /** Ids one page may have waiting before further changes are dropped and counted. */
    static final int MAX_PENDING = 256;

    private final ServerWebSocket socket;
    private final Context context;
    private final ExchangeStore store;
    private final InspectorPages pages;
    private final ExchangeFilter filter;
    private final int maxPending;
    private final LinkedHashSet<Long> pending = new LinkedHashSet<>();
    private long missed;
    private long missedTotal;
    private boolean scheduled;
    private boolean relist;

    LiveFeed(
            ServerWebSocket socket,
            Context context,
            ExchangeStore store,
            InspectorPages pages,
            ExchangeFilter filter,
            int maxPending) {
        this.socket = socket;
        this.context = context;
        this.store = store;
        this.pages = pages;
        this.filter = filter;
        this.maxPending = maxPending;
    }

    /** Sends the whole list, then follows the store until the page goes away; runs on the socket's context. */
    void start(Runnable closed) {
        store.addListener(this);
        socket.closeHandler(ignored -> {
            store.removeListener(this);
            closed.run();
        });
        socket.drainHandler(drained -> flush());
        // Text from the page is not expected; ignoring it keeps nothing.
        socket.handler(ignored -> {});
        sendList();
    }

    private void sendList() {
        List<ExchangeRow> rows = store.newestFirst(filter, InspectorPageRoutes.PAGE_ROWS).stream()
                .map(ExchangeRow::of)
                .toList();
        socket.writeTextMessage(
                new JsonObject().put("rows", pages.rows(rows, filter)).encode());
    }

    /** The store's callback: remembers the id (or counts it as missed) and makes sure a flush is coming. */
    @Override
    public void accept(long id) {
        boolean schedule;
        synchronized (this) {
            if (id == ExchangeStore.CLEARED) {
                pending.clear();
                missed = 0;
                relist = true;
            } else if (!pending.contains(id)) {
                if (pending.size() >= maxPending) {
                    missed++;
                    missedTotal++;
                    return;
                }
                pending.add(id);
            }
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            context.runOnContext(ignored -> flush());
        }
    }

    /** Writes waiting rows while the socket takes them; the drain handler calls it again when it is full. */
    private void flush() {
        while (!socket.isClosed() && !socket.writeQueueFull()) {
            Long id;
            long dropped = 0;
            boolean list;
            synchronized (this) {
                list = relist;
                relist = false;
                Iterator<Long> next = pending.iterator();
                if (list) {
                    id = null;
                } else if (next.hasNext()) {
                    id = next.next();
                    next.remove();
                } else {
                    id = null;
                    dropped = missed;
                    missed = 0;
                    scheduled = false;
                }
            }
            if (list) {
                sendList();
                continue;
            }
            if (id == null) {
                if (dropped > 0) {
                    socket.writeTextMessage(
                            new JsonObject().put("missed", dropped).encode());
                }
                return;
            }
            store.find(id)
                    .filter(filter::matches)
                    .ifPresent(exchange -> socket.writeTextMessage(new JsonObject()
                            .put("id", id)
                            .put("row", pages.rows(List.of(ExchangeRow.of(exchange)), filter))
                            .encode()));
        }
    }

    /** Ids waiting to be sent now. */
    synchronized int pending() {
        return pending.size();
    }

    /** Changes dropped since the page connected. */
    synchronized long missedTotal() {
        return missedTotal;
    }
}
