package dev.porthole.gateway.auth;

import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.SessionCheck;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** auth-service's internal API, as the gateway calls it (see docs/auth-service.md). */
@Path("/internal/v1")
public interface AuthServiceApi {

    /** Decides an agent's handshake: 200 with a Principal, or a problem detail the agent can print. */
    @POST
    @Path("/agent-auth")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> authenticate(@HeaderParam("Authorization") String serviceCredential, AgentCredentials credentials);

    /** Decides again whether live sessions may go on: 200 with one {@code SessionStanding} per check, in order. */
    @POST
    @Path("/session-check")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> checkSessions(@HeaderParam("Authorization") String serviceCredential, List<SessionCheck> checks);
}
