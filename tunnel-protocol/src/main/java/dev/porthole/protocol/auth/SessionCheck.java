package dev.porthole.protocol.auth;

import java.util.Objects;

/**
 * One live agent session a gateway asks auth-service about again ({@code POST /internal/v1/session-check}):
 * after every (re)subscription to the control channel, and when a client's grants changed.
 *
 * @param sessionId the session's id (a kick is looked up by it)
 * @param principal what auth-service answered when the session began
 */
public record SessionCheck(String sessionId, Principal principal) {

    public SessionCheck {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(principal, "principal");
    }
}
