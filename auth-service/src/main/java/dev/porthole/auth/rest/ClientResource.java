package dev.porthole.auth.rest;

import dev.porthole.auth.rest.ClientBodies.ClientView;
import dev.porthole.auth.rest.ClientBodies.ClientWithSecret;
import dev.porthole.auth.rest.ClientBodies.CreateClient;
import dev.porthole.auth.rest.ClientBodies.UpdateGrants;
import dev.porthole.auth.service.ClientService;
import dev.porthole.auth.service.Page;
import dev.porthole.protocol.admin.AdminTokenKey;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Admin API for clients: {@code /api/v1/clients}. */
@Path("/api/v1/clients")
@RolesAllowed(AdminTokenKey.ADMIN_ROLE)
@Tag(name = "clients")
@SecurityRequirement(name = "adminJwt")
public class ClientResource {

    private final ClientService clients;
    private final PageRequest pages;
    private final SecurityIdentity identity;

    public ClientResource(ClientService clients, PageRequest pages, SecurityIdentity identity) {
        this.clients = clients;
        this.pages = pages;
        this.identity = identity;
    }

    @POST
    @Operation(summary = "Create a client; the answer holds its secret, shown this once")
    public Response create(@NotNull @Valid CreateClient request) {
        var created = clients.create(
                request.id(),
                request.description(),
                request.grants() == null
                        ? GrantsBody.defaults()
                        : request.grants().toGrants(),
                request.enabled() == null || request.enabled(),
                actor());
        return Response.created(URI.create("/api/v1/clients/" + request.id()))
                .type(MediaType.APPLICATION_JSON)
                .entity(new ClientWithSecret(ClientView.of(created.client()), created.secret()))
                .build();
    }

    @GET
    @Operation(summary = "List clients, ordered by id, one page at a time")
    public Page<ClientView> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        return clients.list(pages.page(page), pages.size(size)).map(ClientView::of);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get one client")
    public ClientView get(@PathParam("id") String id) {
        return ClientView.of(clients.get(id));
    }

    @PUT
    @Path("{id}/grants")
    @Operation(summary = "Replace a client's grants; exact names are reserved for it")
    public ClientView updateGrants(@PathParam("id") String id, @NotNull @Valid UpdateGrants request) {
        return ClientView.of(clients.updateGrants(id, request.grants().toGrants(), actor()));
    }

    @POST
    @Path("{id}/enable")
    @Operation(summary = "Enable a client")
    public ClientView enable(@PathParam("id") String id) {
        return ClientView.of(clients.setEnabled(id, true, actor()));
    }

    @POST
    @Path("{id}/disable")
    @Operation(summary = "Disable a client; gateways close its sessions at once")
    public ClientView disable(@PathParam("id") String id) {
        return ClientView.of(clients.setEnabled(id, false, actor()));
    }

    @POST
    @Path("{id}/secret")
    @Operation(summary = "Rotate a client's secret; the answer holds the new secret, shown this once")
    public ClientWithSecret rotateSecret(@PathParam("id") String id) {
        var rotated = clients.rotateSecret(id, actor());
        return new ClientWithSecret(ClientView.of(rotated.client()), rotated.secret());
    }

    @DELETE
    @Path("{id}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a client, its tokens and reservations; gateways close its sessions at once")
    public void delete(@PathParam("id") String id) {
        clients.delete(id, actor());
    }

    private String actor() {
        return identity.getPrincipal().getName();
    }
}
