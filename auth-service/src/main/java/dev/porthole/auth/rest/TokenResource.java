package dev.porthole.auth.rest;

import dev.porthole.auth.rest.TokenBodies.IssueToken;
import dev.porthole.auth.rest.TokenBodies.IssuedToken;
import dev.porthole.auth.rest.TokenBodies.TokenView;
import dev.porthole.auth.service.TokenService;
import dev.porthole.protocol.admin.AdminTokenKey;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Admin API for a client's tokens: {@code /api/v1/clients/{clientId}/tokens}. */
@Path("/api/v1/clients/{clientId}/tokens")
@RolesAllowed(AdminTokenKey.ADMIN_ROLE)
@Tag(name = "tokens")
@SecurityRequirement(name = "adminJwt")
public class TokenResource {

    private final TokenService tokens;
    private final SecurityIdentity identity;

    public TokenResource(TokenService tokens, SecurityIdentity identity) {
        this.tokens = tokens;
        this.identity = identity;
    }

    @POST
    @Operation(summary = "Issue a static token or a JWT (up to 31 days); the answer holds it, shown this once")
    public Response issue(@PathParam("clientId") String clientId, @NotNull @Valid IssueToken request) {
        Duration lifetime = request.lifetimeSeconds() == null ? null : Duration.ofSeconds(request.lifetimeSeconds());
        var issued = tokens.issue(clientId, request.kind(), lifetime, request.description(), actor());
        return Response.created(URI.create("/api/v1/clients/" + clientId + "/tokens/"
                        + issued.token().id()))
                .type(MediaType.APPLICATION_JSON)
                .entity(new IssuedToken(TokenView.of(issued.token()), issued.value()))
                .build();
    }

    @GET
    @Operation(summary = "List a client's live tokens (never their values)")
    public List<TokenView> list(@PathParam("clientId") String clientId) {
        return tokens.list(clientId).stream().map(TokenView::of).toList();
    }

    @DELETE
    @Path("{tokenId}")
    @ResponseStatus(204)
    @Operation(summary = "Revoke a token; gateways close the sessions that used it")
    public void revoke(@PathParam("clientId") String clientId, @PathParam("tokenId") String tokenId) {
        tokens.revoke(clientId, tokenId, actor());
    }

    private String actor() {
        return identity.getPrincipal().getName();
    }
}
