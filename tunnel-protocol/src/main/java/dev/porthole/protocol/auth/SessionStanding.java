package dev.porthole.protocol.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * auth-service's answer about one {@link SessionCheck}: the session may go on with {@code principal}
 * (its grants as they are now), or it must end, for {@code refusal}.
 *
 * @param sessionId the session asked about
 * @param principal the principal as it stands now; null when the session must end
 * @param kicked true when an administrator ended the session (a kick), false for a revoked credential
 *        or a disabled or deleted client
 * @param refusal why the session must end, in words the agent shows; null while it may go on
 */
public record SessionStanding(String sessionId, Principal principal, boolean kicked, String refusal) {

    public SessionStanding {
        Objects.requireNonNull(sessionId, "sessionId");
        if ((principal == null) == (refusal == null)) {
            throw new IllegalArgumentException("a standing has either a principal or a refusal");
        }
    }

    /** The session may go on, with these grants. */
    public static SessionStanding valid(String sessionId, Principal principal) {
        return new SessionStanding(sessionId, principal, false, null);
    }

    /** The session must end: its credential or client is no longer valid. */
    public static SessionStanding revoked(String sessionId, String refusal) {
        return new SessionStanding(sessionId, null, false, refusal);
    }

    /** The session must end: an administrator kicked it. */
    public static SessionStanding kicked(String sessionId) {
        return new SessionStanding(sessionId, null, true, "an administrator ended this session");
    }

    /** Whether the session may go on. */
    @JsonIgnore
    public boolean stands() {
        return refusal == null;
    }
}
