package dev.porthole.auth.notify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * notification-service's admin API as the console calls it (see docs/notification-service.md), the
 * parts it reads. Answers carry more fields than these; the rest are ignored.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public interface NotificationServiceApi {

    /** A channel (its URL already masked by notification-service). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Channel(
            String id, String provider, String url, List<String> eventTypes, String minSeverity, String origin) {}

    /** What a test message gave. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TestResult(String channel, String outcome, boolean delivered, String detail) {}

    /** A dead letter, with the event it could not deliver. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DeadLetter(String id, String kind, String reason, String channel, int attempts, String at, Event event) {}

    /** The part of a dead letter's event the console shows. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Event(String type) {}

    @GET
    @Path("/channels")
    List<Channel> channels(@HeaderParam("Authorization") String bearer);

    @POST
    @Path("/channels/{id}/test")
    TestResult test(@HeaderParam("Authorization") String bearer, @PathParam("id") String channelId);

    @GET
    @Path("/dead-letters")
    List<DeadLetter> deadLetters(@HeaderParam("Authorization") String bearer, @QueryParam("limit") int limit);
}
