package dev.porthole.auth.rest;

import dev.porthole.auth.service.AgentAuthentication;
import dev.porthole.auth.service.AuthDecision;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.problem.Problem;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The gateway's question on every agent handshake: {@code POST /internal/v1/agent-auth} with the
 * agent's {@link AgentCredentials}; answers a {@code Principal} (200) or a problem detail (401, 403,
 * 429 with {@code Retry-After}) whose {@code detail} the agent prints. The service credential is
 * checked by {@code ServiceGate}.
 */
@Path("/internal/v1/agent-auth")
@PermitAll
@Tag(name = "internal")
public class AgentAuthResource {

    private final AgentAuthentication authentication;
    private final ProblemResponses problems;

    public AgentAuthResource(AgentAuthentication authentication, ProblemResponses problems) {
        this.authentication = authentication;
        this.problems = problems;
    }

    @POST
    @Operation(summary = "Authenticate an agent's handshake (gateways only, with PORTHOLE_INTERNAL_TOKEN)")
    public Response authenticate(AgentCredentials credentials) {
        if (credentials == null) {
            return problems.of(Problem.of(
                    "validation", "Invalid request", 400, "the body must be the agent's credentials as JSON"));
        }
        return switch (authentication.authenticate(credentials)) {
            case AuthDecision.Granted granted ->
                Response.ok(granted.principal(), MediaType.APPLICATION_JSON).build();
            case AuthDecision.Refused refused -> {
                var builder = problems.builder(
                        Problem.of(refused.reason(), title(refused.status()), refused.status(), refused.detail()));
                if (refused.retryAfter() != null) {
                    builder.header("Retry-After", refused.retryAfter().toSeconds());
                }
                yield builder.build();
            }
        };
    }

    private static String title(int status) {
        return switch (status) {
            case 401 -> "Authentication failed";
            case 403 -> "Not allowed";
            case 429 -> "Too many failures";
            default -> "Refused";
        };
    }
}
