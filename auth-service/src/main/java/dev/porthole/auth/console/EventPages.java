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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
    /** Longest client filter taken (client ids are at most 63 characters; a static token's may be longer). */
    static final int MAX_CLIENT_FILTER = 200;

    private static final List<String> TYPES =
            Arrays.stream(EventType.values()).map(EventType::wireName).sorted().toList();

    private final RecentEvents events;
    private final NotificationServiceClient notifications;
    private final ConsoleOperator operator;
    private final ConsolePages pages;
    private final int limit;

    public EventPages(
            RecentEvents events,
            NotificationServiceClient notifications,
            ConsoleOperator operator,
            ConsolePages pages,
            ConsoleConfig config) {
        this.events = events;
        this.notifications = notifications;
        this.operator = operator;
        this.pages = pages;
        this.limit = config.maxEvents();
    }

    @GET
    public Response page(@QueryParam("type") String type, @QueryParam("client") String client) {
        String chosen = type == null || type.isBlank() ? "" : type;
        String about = client == null ? "" : client.trim();
        Map<String, Object> data = new HashMap<>();
        data.put("types", TYPES);
        data.put("type", chosen);
        data.put("client", about);
        data.put("clientQuery", URLEncoder.encode(about, StandardCharsets.UTF_8));
        data.put("limit", limit);
        // Read before the listing: an event written in between is sent live too, and the page skips a row it has.
        data.put("after", events.lastId());
        String error = null;
        if (!chosen.isEmpty() && !TYPES.contains(chosen)) {
            error = "Unknown event type '" + chosen + "'; pick one from the list.";
        } else if (about.length() > MAX_CLIENT_FILTER) {
            error = "A client id has at most " + MAX_CLIENT_FILTER + " characters; this filter has " + about.length()
                    + ".";
        }
        data.put("error", error);
        List<RecentEvents.Entry> listed = error == null ? events.newest(limit, chosen, about) : List.of();
        data.put("events", listed);
        // The filter suggests the clients of the newest events (a datalist): any other id can be typed.
        data.put(
                "clients",
                events.newest(limit, "", "").stream()
                        .map(RecentEvents.Entry::client)
                        .filter(c -> !c.isEmpty())
                        .distinct()
                        .sorted()
                        .toList());
        try {
            data.put("deadLetters", notifications.deadLetters(MAX_DEAD_LETTERS, operator.name()));
            data.put("unavailable", null);
        } catch (NotificationUnavailable e) {
            data.put("deadLetters", List.of());
            data.put("unavailable", e.getMessage());
        }
        return ConsolePages.html(error == null ? 200 : 400, pages.page("events", "events", operator.session(), data));
    }
}
