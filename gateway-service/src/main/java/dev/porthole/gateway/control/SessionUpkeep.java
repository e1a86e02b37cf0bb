package dev.porthole.gateway.control;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.auth.Principal;
import java.time.Duration;

/**
 * What an active session keeps up on its timers: every registry refresh interval its session quota,
 * its public place, its tunnels' leases and its session record are refreshed; a session with a
 * lifetime (a public one) is warned before it ends and closed when it does. On the session's context.
 */
record SessionUpkeep(
        SessionServices services,
        AgentSession session,
        String agentId,
        SessionTimers timers,
        TunnelLeases leases,
        SessionReports reports,
        SessionPolicies policies) {

    /**
     * Starts the refreshes and, for a session with a lifetime, its end.
     *
     * @return when the session ends, in epoch milliseconds, or 0 if it does not
     */
    long start(Principal principal) {
        timers.every(services.config().registry().refreshInterval(), this::refresh);
        if (principal.sessionLifetimeSeconds() <= 0) {
            return 0;
        }
        Duration lifetime = Duration.ofSeconds(principal.sessionLifetimeSeconds());
        Duration warning = principal.sessionWarningSeconds() > 0
                ? Duration.ofSeconds(principal.sessionWarningSeconds())
                : Duration.ofMinutes(2);
        timers.expireAfter(lifetime, warning, () -> {
            reports.expired(session.tunnelNames());
            session.close(
                    CloseCode.SESSION_EXPIRED,
                    "public sessions last " + SessionTimers.describe(lifetime)
                            + "; authenticate with a token for a longer session");
        });
        return reports.connectedAt().plus(lifetime).toEpochMilli();
    }

    private void refresh() {
        String clientId = session.clientId();
        if (session.principal().grants().maxSessions() > 0) {
            services.quotas().refreshSession(clientId, agentId);
        }
        services.publicPlaces().refresh(session.sessionId());
        leases.refresh();
        reports.publishRecord(clientId, leases.held(), policies::describe);
    }
}
