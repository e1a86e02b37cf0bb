package dev.porthole.auth.service;

import dev.porthole.protocol.auth.Principal;
import java.time.Duration;

/** What auth-service answers a gateway about one agent handshake. */
public sealed interface AuthDecision {

    /** The agent may connect as this principal (HTTP 200). */
    record Granted(Principal principal) implements AuthDecision {}

    /**
     * The agent is refused.
     *
     * @param status HTTP status: 401 bad credentials, 403 not allowed, 429 too many failures
     * @param reason short kebab-case reason for events, metrics and the problem type
     * @param detail the sentence the agent prints verbatim
     * @param retryAfter for 429, how long until the window passes
     */
    record Refused(int status, String reason, String detail, Duration retryAfter) implements AuthDecision {}
}
