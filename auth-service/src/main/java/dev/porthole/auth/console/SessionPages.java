package dev.porthole.auth.console;

import dev.porthole.auth.config.ConsoleConfig;
import dev.porthole.auth.service.AdminException;
import dev.porthole.auth.service.Page;
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
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Live agent sessions and their tunnels across every gateway (the records gateways keep in Redis),
 * with bytes in and out and a rate, refreshed by htmx; an operator can kick a session.
 */
@Path(SessionPages.PATH)
@Produces(MediaType.TEXT_HTML)
public class SessionPages {

    static final String PATH = ConsoleGate.ROOT + "/sessions";
    /** Most sessions one page shows. */
    static final int MAX_SHOWN = 100;

    /** One session as the table shows it. */
    public record SessionRow(String sessionId, String clientId, String gatewayId, String agentId, String remoteAddress,
            String connectedAt, String age, List<SessionRecord.TunnelEntry> tunnels, String bytesIn, String bytesOut,
            String rateIn, String rateOut, String requests, String requestRate) {
    }

    private final SessionService sessions;
    private final TrafficRates rates;
    private final ConsoleOperator operator;
    private final ConsolePages pages;
    private final Clock clock;
    private final Duration refresh;

    public SessionPages(SessionService sessions, TrafficRates rates, ConsoleOperator operator, ConsolePages pages, Clock clock,
            ConsoleConfig config) {
        this.sessions = sessions;
        this.rates = rates;
        this.operator = operator;
        this.pages = pages;
        this.clock = clock;
        this.refresh = config.refreshInterval();
    }

    @GET
    public Response page(@QueryParam("kicked") String kicked, @QueryParam("gone") String gone) {
        Map<String, Object> data = rowsData();
        data.put("refresh", refresh.toMillis() + "ms");
        data.put("refreshText", ConsoleFormat.duration(refresh));
        data.put("kicked", kicked);
        data.put("gone", gone);
        return ConsolePages.html(200, pages.page("sessions", "sessions", operator.session(), data));
    }

    /** The table body alone, for htmx's refresh. */
    @GET
    @Path("rows")
    public Response rows() {
        return ConsolePages.html(200, pages.fragment("session-rows", operator.session(), rowsData()));
    }

    @POST
    @Path("{sessionId}/kick")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response kick(@PathParam("sessionId") String sessionId, @FormParam(ConsoleSessions.CSRF_FIELD) String csrf) {
        ConsoleSession session = operator.authorize(csrf);
        try {
            sessions.kick(sessionId, session.operator());
            return Response.seeOther(UriBuilder.fromPath(PATH).queryParam("kicked", sessionId).build()).build();
        } catch (AdminException e) {
            return Response.seeOther(UriBuilder.fromPath(PATH).queryParam("gone", sessionId).build()).build();
        }
    }

    private Map<String, Object> rowsData() {
        Page<SessionRecord> live = sessions.list(0, MAX_SHOWN);
        Map<String, Object> data = new HashMap<>();
        data.put("sessions", live.items().stream().map(this::row).toList());
        data.put("total", live.total());
        data.put("shown", live.items().size());
        data.put("updatedAt", ConsoleFormat.time(clock.instant()));
        return data;
    }

    private SessionRow row(SessionRecord s) {
        TrafficRates.Rate rate = rates.observe(s);
        return new SessionRow(s.sessionId(), s.clientId(), s.gatewayId(), s.agentId(), s.remoteAddress(),
                ConsoleFormat.time(s.connectedAt()),
                s.connectedAt() == null ? "" : ConsoleFormat.duration(Duration.between(s.connectedAt(), clock.instant())),
                s.tunnels(), ConsoleFormat.bytes(s.bytesIn()), ConsoleFormat.bytes(s.bytesOut()),
                rate.known() ? ConsoleFormat.bytes(rate.inPerSecond()) + "/s" : "…",
                rate.known() ? ConsoleFormat.bytes(rate.outPerSecond()) + "/s" : "…",
                String.valueOf(s.streams()),
                rate.known() ? String.format(java.util.Locale.ROOT, "%.1f/s", rate.requestsPerSecond()) : "…");
    }
}
