package dev.porthole.auth.rest;

import dev.porthole.auth.service.Page;
import dev.porthole.auth.service.SessionService;
import dev.porthole.protocol.admin.AdminTokenKey;
import dev.porthole.protocol.registry.SessionRecord;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Admin API for live agent sessions across all gateways: {@code /api/v1/sessions}. */
@Path("/api/v1/sessions")
@RolesAllowed(AdminTokenKey.ADMIN_ROLE)
@Tag(name = "sessions")
@SecurityRequirement(name = "adminJwt")
public class SessionResource {

    private final SessionService sessions;
    private final PageRequest pages;
    private final SecurityIdentity identity;

    public SessionResource(SessionService sessions, PageRequest pages, SecurityIdentity identity) {
        this.sessions = sessions;
        this.pages = pages;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "List live sessions and their tunnels, ordered by expiry")
    public Page<SessionRecord> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        return sessions.list(pages.page(page), pages.size(size));
    }

    @DELETE
    @Path("{sessionId}")
    @ResponseStatus(202)
    @Operation(summary = "Kick a session: the gateway holding it closes it")
    public SessionRecord kick(@PathParam("sessionId") String sessionId) {
        return sessions.kick(sessionId, identity.getPrincipal().getName());
    }
}
