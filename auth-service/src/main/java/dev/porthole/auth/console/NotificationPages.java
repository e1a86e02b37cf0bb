package dev.porthole.auth.console;

import dev.porthole.auth.notify.NotificationServiceClient;
import dev.porthole.auth.notify.NotificationUnavailable;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * notification-service's channels, through its admin API, with a "send test" button per channel;
 * when notification-service is not configured or does not answer, the page says so.
 */
@Path(NotificationPages.PATH)
@Produces(MediaType.TEXT_HTML)
public class NotificationPages {

    static final String PATH = ConsoleGate.ROOT + "/notifications";

    private final NotificationServiceClient notifications;
    private final ConsoleOperator operator;
    private final ConsolePages pages;

    public NotificationPages(NotificationServiceClient notifications, ConsoleOperator operator, ConsolePages pages) {
        this.notifications = notifications;
        this.operator = operator;
        this.pages = pages;
    }

    @GET
    public Response page() {
        return ConsolePages.html(200, render(null));
    }

    @POST
    @Path("{channel}/test")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response test(@PathParam("channel") String channel, @FormParam(ConsoleSessions.CSRF_FIELD) String csrf) {
        ConsoleSession session = operator.authorize(csrf);
        NotificationServiceClient.TestOutcome outcome;
        try {
            outcome = notifications.test(channel, session.operator());
        } catch (NotificationUnavailable e) {
            outcome = new NotificationServiceClient.TestOutcome(channel, "failed", false, e.getMessage());
        }
        return ConsolePages.html(200, render(outcome));
    }

    private String render(NotificationServiceClient.TestOutcome outcome) {
        Map<String, Object> data = new HashMap<>();
        data.put("outcome", outcome);
        data.put("url", notifications.baseUrl().map(Object::toString).orElse(""));
        try {
            data.put("channels", notifications.channels(operator.name()));
            data.put("unavailable", null);
        } catch (NotificationUnavailable e) {
            data.put("channels", List.of());
            data.put("unavailable", e.getMessage());
        }
        return pages.page("notifications", "notifications", operator.session(), data);
    }
}
