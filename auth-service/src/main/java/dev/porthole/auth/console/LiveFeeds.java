package dev.porthole.auth.console;

import dev.porthole.auth.config.ConsoleConfig;
import dev.porthole.auth.event.RecentEvents;
import dev.porthole.protocol.event.EventType;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Feeds the open live console pages. Every {@code porthole.console.refresh-interval}, and only
 * while a page is open, it checks each page's session again (a page whose session ended or was
 * logged out is closed with 1008), renders the sessions table once from the gateways' records
 * and sends it to each sessions page whose table changed, and reads the events each events page
 * has not seen from the {@code <prefix>events} stream (XRANGE after the page's last entry id,
 * at most {@code porthole.console.max-events} a turn) and sends them as rows. Each page has one
 * message in flight at most and a bounded {@link LiveQueue} behind it.
 */
@ApplicationScoped
public class LiveFeeds {

    private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");
    private static final List<String> TYPES =
            Arrays.stream(EventType.values()).map(EventType::wireName).toList();
    private static final Duration SESSION_CHECK = Duration.ofSeconds(5);

    /** One open page. */
    private static final class Page {
        final WebSocketConnection connection;
        final boolean events;
        final String type;
        final String client;
        final String cookie;
        final LiveQueue queue;
        String cursor;
        String lastTable;

        Page(
                WebSocketConnection connection,
                boolean events,
                String type,
                String client,
                String cookie,
                String cursor,
                int maxWaiting) {
            this.connection = connection;
            this.events = events;
            this.type = type;
            this.client = client;
            this.cookie = cookie;
            this.cursor = cursor;
            this.queue = new LiveQueue(maxWaiting);
        }
    }

    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final ConsoleSessions sessions;
    private final SessionTable table;
    private final RecentEvents events;
    private final ConsolePages render;
    private final int maxEvents;

    public LiveFeeds(
            ConsoleSessions sessions,
            SessionTable table,
            RecentEvents events,
            ConsolePages render,
            ConsoleConfig config) {
        this.sessions = sessions;
        this.table = table;
        this.events = events;
        this.render = render;
        this.maxEvents = config.maxEvents();
    }

    void open(WebSocketConnection connection) {
        String kind = connection.pathParam("page");
        Map<String, List<String>> query = new QueryStringDecoder(
                        String.valueOf(connection.handshakeRequest().query()), false)
                .parameters();
        String type = first(query, "type");
        String after = first(query, "after");
        String client = first(query, "client");
        if (!kind.equals("sessions") && !kind.equals("events")) {
            refuse(connection, "there is no live page '" + kind + "': use sessions or events");
        } else if (!type.isEmpty() && !TYPES.contains(type)) {
            refuse(connection, "unknown event type '" + type + "'");
        } else if (client.length() > EventPages.MAX_CLIENT_FILTER) {
            refuse(connection, "client filter longer than " + EventPages.MAX_CLIENT_FILTER + " characters");
        } else if (!after.isEmpty() && !ENTRY_ID.matcher(after).matches()) {
            refuse(connection, "after='" + after + "' is not a stream entry id like 1733443200000-0");
        } else {
            String cursor = kind.equals("events") ? (after.isEmpty() ? events.lastId() : after) : null;
            pages.put(
                    connection.id(),
                    new Page(
                            connection,
                            kind.equals("events"),
                            type,
                            client,
                            connection.userData().get(LiveUpgradeCheck.COOKIE),
                            cursor,
                            maxEvents));
        }
    }

    void close(WebSocketConnection connection) {
        pages.remove(connection.id());
    }

    /** Pages open now. */
    int open() {
        return pages.size();
    }

    @Scheduled(every = "${porthole.console.refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void update() {
        if (pages.isEmpty()) {
            return;
        }
        Map<String, Object> sessionData = null;
        for (Page page : pages.values()) {
            Optional<ConsoleSession> session =
                    sessions.read(page.cookie).await().atMost(SESSION_CHECK);
            if (session.isEmpty()) {
                pages.remove(page.connection.id());
                page.connection
                        .close(new CloseReason(1008, "your console session ended; log in again"))
                        .subscribe()
                        .with(closed -> {}, failure -> {});
                continue;
            }
            if (page.events) {
                queueEvents(page, session.get());
            } else {
                if (sessionData == null) {
                    sessionData = table.data();
                }
                String rows = render.fragment("session-rows", session.get(), sessionData);
                if (!rows.equals(page.lastTable)) {
                    page.lastTable = rows;
                    page.queue.table(new JsonObject().put("rows", rows).encode());
                }
            }
            send(page);
        }
    }

    private void queueEvents(Page page, ConsoleSession session) {
        List<RecentEvents.Entry> fresh = events.after(page.cursor, maxEvents);
        if (fresh.isEmpty()) {
            return;
        }
        page.cursor = fresh.getLast().entryId();
        for (RecentEvents.Entry entry : fresh) {
            if (entry.matches(page.type, page.client)) {
                Map<String, Object> data = new HashMap<>();
                data.put("events", List.of(entry));
                data.put("type", page.type);
                data.put("client", page.client);
                String row = render.fragment("event-rows", session, data);
                page.queue.row(new JsonObject()
                        .put("id", entry.entryId())
                        .put("row", row)
                        .encode());
            }
        }
    }

    /** Sends the page's next message unless one is in flight; each completed send starts the next. */
    private void send(Page page) {
        page.queue
                .next()
                .ifPresent(message -> page.connection
                        .sendText(message)
                        .subscribe()
                        .with(
                                sent -> {
                                    page.queue.sent();
                                    send(page);
                                },
                                failure -> {
                                    page.queue.sent();
                                    Log.debugf(
                                            "live console page %s: send failed: %s",
                                            page.connection.id(), failure.getMessage());
                                }));
    }

    private static void refuse(WebSocketConnection connection, String why) {
        connection.close(new CloseReason(1003, why)).subscribe().with(closed -> {}, failure -> {});
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? "" : values.getFirst().trim();
    }
}
