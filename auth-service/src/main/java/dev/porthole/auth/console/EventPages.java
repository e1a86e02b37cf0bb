package dev.porthole.auth.console;

import dev.porthole.auth.config.ConsoleConfig;
import dev.porthole.auth.event.RecentEvents;
import dev.porthole.auth.notify.NotificationServiceClient;
import dev.porthole.auth.notify.NotificationUnavailable;
import dev.porthole.protocol.event.EventType;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest events from the Redis stream, newest first, filtered by type (new ones pushed by
 * {@link LiveFeeds} while the page is open); and notification-service's dead letters.
 */
@Path(EventPages.PATH)
@Produces(MediaType.TEXT_HTML)
public class EventPages {

    static final String PATH = ConsoleGate.ROOT + "/events";
    /** Dead letters listed at most. */
    static final int MAX_DEAD_LETTERS = 50;
    private static final List<String> TYPES = Arrays.stream(EventType.values()).map(EventType::wireName).sorted().toList();

    private final RecentEvents events;
    private final NotificationServiceClient notifications;
    private final ConsoleOperator operator;
    private final ConsolePages pages;
    private final int limit;

    public EventPages(RecentEvents events, NotificationServiceClient notifications, ConsoleOperator operator, ConsolePages pages,
            ConsoleConfig config) {
        this.events = events;
        this.notifications = notifications;
        this.operator = operator;
        this.pages = pages;
        this.limit = config.maxEvents();
    }

    @GET
    public Response page(@QueryParam("type") String type) {
        String chosen = type == null || type.isBlank() ? "" : type;
        Map<String, Object> data = new HashMap<>();
        data.put("types", TYPES);
        data.put("type", chosen);
        data.put("limit", limit);
        // Read before the listing: an event written in between is sent live too, and the page skips a row it has.
        data.put("after", events.lastId());
        if (!chosen.isEmpty() && !TYPES.contains(chosen)) {
            data.put("error", "Unknown event type '" + chosen + "'; pick one from the list.");
            data.put("events", List.of());
        } else {
            data.put("error", null);
            data.put("events", events.newest(limit, chosen));
        }
        try {
            data.put("deadLetters", notifications.deadLetters(MAX_DEAD_LETTERS, operator.name()));
            data.put("unavailable", null);
        } catch (NotificationUnavailable e) {
            data.put("deadLetters", List.of());
            data.put("unavailable", e.getMessage());
        }
        return ConsolePages.html(chosen.isEmpty() || TYPES.contains(chosen) ? 200 : 400,
                pages.page("events", "events", operator.session(), data));
    }
}
