package dev.porthole.auth.console;

import dev.porthole.auth.config.ConsoleConfig;
import dev.porthole.auth.service.AdminException;
import dev.porthole.auth.service.SessionService;
import dev.porthole.protocol.registry.SessionRecord;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Duration;
import java.util.Map;

/**
 * Live agent sessions and their tunnels across every gateway (the records gateways keep in Redis),
 * with bytes in and out and a rate, kept current over the console's WebSocket ({@link LiveFeeds});
 * an operator can kick a session.
 */
@Path(SessionPages.PATH)
@Produces(MediaType.TEXT_HTML)
public class SessionPages {

    static final String PATH = ConsoleGate.ROOT + "/sessions";

    private final SessionService sessions;
    private final SessionTable table;
    private final ConsoleOperator operator;
    private final ConsolePages pages;
    private final Duration refresh;

    public SessionPages(
            SessionService sessions,
            SessionTable table,
            ConsoleOperator operator,
            ConsolePages pages,
            ConsoleConfig config) {
        this.sessions = sessions;
        this.table = table;
        this.operator = operator;
        this.pages = pages;
        this.refresh = config.refreshInterval();
    }

    @GET
    public Response page(@QueryParam("kicked") String kicked, @QueryParam("gone") String gone) {
        Map<String, Object> data = table.data();
        data.put("refreshText", ConsoleFormat.duration(refresh));
        data.put("kicked", kicked);
        data.put("gone", gone);
        return ConsolePages.html(200, pages.page("sessions", "sessions", operator.session(), data));
    }

    @GET
    @Path("{sessionId}/kick")
    public Response confirmKick(@PathParam("sessionId") String sessionId) {
        return sessions.find(sessionId)
                .map(s -> ConsolePages.html(
                        200,
                        pages.confirm(
                                "sessions",
                                operator.session(),
                                new ConsolePages.Confirmation(
                                        "Kick session " + sessionId + " of client " + s.clientId() + "?",
                                        "Its gateway closes the connection of agent " + s.agentId()
                                                + " and its tunnels "
                                                + s.tunnels().stream()
                                                        .map(SessionRecord.TunnelEntry::name)
                                                        .toList()
                                                + " stop at once. The agent exits rather than reconnecting; its client can connect again.",
                                        PATH + "/" + sessionId + "/kick",
                                        "Kick the session",
                                        "confirm-kick",
                                        PATH))))
                .orElseGet(() -> Response.seeOther(UriBuilder.fromPath(PATH)
                                .queryParam("gone", sessionId)
                                .build())
                        .build());
    }

    @POST
    @Path("{sessionId}/kick")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response kick(@PathParam("sessionId") String sessionId, @FormParam(ConsoleSessions.CSRF_FIELD) String csrf) {
        ConsoleSession session = operator.authorize(csrf);
        try {
            sessions.kick(sessionId, session.operator());
            return Response.seeOther(UriBuilder.fromPath(PATH)
                            .queryParam("kicked", sessionId)
                            .build())
                    .build();
        } catch (AdminException e) {
            return Response.seeOther(UriBuilder.fromPath(PATH)
                            .queryParam("gone", sessionId)
                            .build())
                    .build();
        }
    }
}
