package dev.porthole.auth.console;

import dev.porthole.auth.service.Page;
import dev.porthole.auth.service.SessionService;
import dev.porthole.protocol.registry.SessionRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The sessions table's data (the records gateways keep in Redis, with rates), for the page and its live updates. */
@ApplicationScoped
public class SessionTable {

    /** Most sessions one page shows. */
    static final int MAX_SHOWN = 100;

    /** One session as the table shows it. */
    public record SessionRow(
            String sessionId,
            String clientId,
            String gatewayId,
            String agentId,
            String remoteAddress,
            String connectedAt,
            String age,
            List<SessionRecord.TunnelEntry> tunnels,
            String bytesIn,
            String bytesOut,
            String rateIn,
            String rateOut,
            String requests,
            String requestRate) {

        /** How an agent without a stored client got in: gateways name a public session's client {@code public-<agent>}. */
        public String access() {
            return clientId.startsWith("public-") ? "public session" : "static token";
        }
    }

    private final SessionService sessions;
    private final TrafficRates rates;
    private final Clock clock;

    public SessionTable(SessionService sessions, TrafficRates rates, Clock clock) {
        this.sessions = sessions;
        this.rates = rates;
        this.clock = clock;
    }

    /** The live sessions (the first {@link #MAX_SHOWN}) as rows. */
    List<SessionRow> rows() {
        return sessions.list(0, MAX_SHOWN).items().stream().map(this::row).toList();
    }

    /** The {@code session-rows} template's data: sessions, total, shown, updatedAt. */
    Map<String, Object> data() {
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
        return new SessionRow(
                s.sessionId(),
                s.clientId(),
                s.gatewayId(),
                s.agentId(),
                s.remoteAddress(),
                ConsoleFormat.time(s.connectedAt()),
                s.connectedAt() == null
                        ? ""
                        : ConsoleFormat.duration(Duration.between(s.connectedAt(), clock.instant())),
                s.tunnels(),
                ConsoleFormat.bytes(s.bytesIn()),
                ConsoleFormat.bytes(s.bytesOut()),
                rate.known() ? ConsoleFormat.bytes(rate.inPerSecond()) + "/s" : "…",
                rate.known() ? ConsoleFormat.bytes(rate.outPerSecond()) + "/s" : "…",
                String.valueOf(s.streams()),
                rate.known() ? String.format(Locale.ROOT, "%.1f/s", rate.requestsPerSecond()) : "…");
    }
}
