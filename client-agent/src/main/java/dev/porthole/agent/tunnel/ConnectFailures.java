package dev.porthole.agent.tunnel;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.UpgradeRejectedException;
import java.time.Duration;

/**
 * What a link does when a connection attempt fails: a refusal the gateway answered (draining, bad
 * credentials, no agent endpoint, busy), a certificate it could not prove, or a failure to reach it,
 * which before the first handshake is most likely a mistake in {@code --server}.
 */
final class ConnectFailures {

    /** The longest wait before connecting again after a draining gateway refused the handshake. */
    private static final Duration DRAINING_RETRY_CAP = Duration.ofMillis(500);
    /** Names the reason of a gateway's refusal ({@code draining} when it is stopping). */
    private static final String ERROR_HEADER = "X-Porthole-Error";

    private ConnectFailures() {}

    static void handle(Link link, Throwable cause) {
        AgentSettings settings = link.settings();
        if (cause instanceof UpgradeRejectedException rejected) {
            String body = rejected.getBody() == null
                    ? ""
                    : rejected.getBody().toString().trim();
            int status = rejected.getStatus();
            String reason = body.isEmpty() ? "the gateway refused the connection (HTTP " + status + ")" : body;
            if (status == 503
                    && rejected.getHeaders() != null
                    && "draining".equals(rejected.getHeaders().get(ERROR_HEADER))) {
                // The gateway is stopping: the next attempt, through the load balancer, reaches another one; no long
                // back-off.
                link.retry(reason, null, DRAINING_RETRY_CAP);
                return;
            }
            switch (status) {
                case 401, 403 -> {
                    link.end(new AgentExit(AgentExit.AUTH_FAILED, reason));
                    return;
                }
                case 404, 426 -> {
                    link.end(new AgentExit(
                            AgentExit.CONFIG_ERROR,
                            "no Porthole agent endpoint at " + settings.endpoint() + " (HTTP " + status
                                    + "); check --server"));
                    return;
                }
                default -> {
                    String retryAfter = rejected.getHeaders() == null
                            ? null
                            : rejected.getHeaders().get(HttpHeaders.RETRY_AFTER);
                    link.retry(reason, retryAfter == null ? null : Duration.ofSeconds(parseSeconds(retryAfter)), null);
                    return;
                }
            }
        }
        java.util.Optional<String> refused = GatewayTrust.certificateRefusal(cause);
        if (refused.isPresent()) {
            link.end(new AgentExit(
                    AgentExit.TLS_UNVERIFIED,
                    "the gateway at " + settings.server() + " did not prove its identity: " + refused.get()
                            + "; if it uses a private CA, give it with --ca FILE (env CA_FILE)"));
            return;
        }
        ConnectDiagnosis diagnosis = ConnectDiagnosis.of(cause, settings);
        if (diagnosis != null && !link.isExtra() && !link.client().everConnected()) {
            // Before the first handshake a failure like these is most likely a mistake in --server: say so and stop.
            if (diagnosis.mistake()) {
                link.end(new AgentExit(AgentExit.CONFIG_ERROR, diagnosis.sentence()));
                return;
            }
            Duration window = settings.firstConnectWindow();
            Duration tried = Duration.ofNanos(System.nanoTime() - link.firstAttemptNanos);
            if (!window.isZero() && tried.compareTo(window) >= 0) {
                link.end(
                        new AgentExit(
                                AgentExit.UNREACHABLE,
                                diagnosis.sentence() + " (no connection in " + tried.toSeconds()
                                        + " s; once connected, the agent keeps reconnecting; --first-connect-timeout sets this wait)"));
                return;
            }
        }
        link.retry(
                "cannot reach the gateway at " + settings.server() + ": "
                        + (diagnosis == null ? describe(cause) : diagnosis.sentence()),
                null,
                null);
    }

    private static long parseSeconds(String value) {
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
