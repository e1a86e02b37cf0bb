package dev.porthole.auth.rest;

import dev.porthole.auth.service.SessionStandings;
import dev.porthole.protocol.auth.SessionCheck;
import dev.porthole.protocol.problem.Problem;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Objects;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A gateway's question about its live sessions: {@code POST /internal/v1/session-check} with a list
 * of {@link SessionCheck}s (at most {@value SessionStandings#MAX_PER_REQUEST}); answers one
 * {@code SessionStanding} per check, in the same order. The service credential is checked by
 * {@code ServiceGate}.
 */
@Path("/internal/v1/session-check")
@PermitAll
@Tag(name = "internal")
public class SessionCheckResource {

    private final SessionStandings standings;
    private final ProblemResponses problems;

    public SessionCheckResource(SessionStandings standings, ProblemResponses problems) {
        this.standings = standings;
        this.problems = problems;
    }

    @POST
    @Operation(summary = "Decide again whether live agent sessions may go on, and with which grants (gateways only)")
    public Response check(List<SessionCheck> checks) {
        if (checks == null || checks.stream().anyMatch(Objects::isNull)) {
            return problems.of(Problem.of(
                    "validation", "Invalid request", 400, "the body must be a JSON array of {sessionId, principal}"));
        }
        if (checks.size() > SessionStandings.MAX_PER_REQUEST) {
            return problems.of(Problem.of(
                    "validation",
                    "Invalid request",
                    400,
                    "at most " + SessionStandings.MAX_PER_REQUEST + " sessions per request; " + checks.size()
                            + " were sent"));
        }
        return Response.ok(standings.check(checks), MediaType.APPLICATION_JSON).build();
    }
}
