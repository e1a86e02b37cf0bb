package dev.porthole.auth.console;

import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.repository.ClientRecord;
import dev.porthole.auth.rest.ClientBodies;
import dev.porthole.auth.rest.GrantsBody;
import dev.porthole.auth.service.AdminException;
import dev.porthole.auth.service.ClientService;
import dev.porthole.auth.service.Page;
import dev.porthole.protocol.auth.Grants;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The console's clients page: list, create (the secret shown on the answer page, once), enable,
 * disable, rotate the secret (the new one shown once), delete after a confirmation. Every change
 * goes through {@link ClientService}, as the admin API's do.
 */
@Path(ClientPages.PATH)
@Produces(MediaType.TEXT_HTML)
public class ClientPages {

    static final String PATH = ConsoleGate.ROOT + "/clients";
    private static final Pattern CLIENT_ID = Pattern.compile(ClientBodies.CLIENT_ID);
    private static final int MAX_DESCRIPTION = 200;

    /** What the list says after a change (a fixed sentence each; the client id is escaped like any value). */
    enum Notice {
        enabled("Client %s is enabled."),
        disabled("Client %s is disabled; its sessions on every gateway are being closed."),
        deleted("Client %s is deleted, with its tokens and reserved names.");

        private final String sentence;

        Notice(String sentence) {
            this.sentence = sentence;
        }
    }

    /** One row of the list. */
    public record ClientRow(
            String id, String description, boolean enabled, String grants, String createdAt, long sessions) {
        static ClientRow of(ClientRecord client) {
            return of(client, 0);
        }

        static ClientRow of(ClientRecord client, long sessions) {
            return new ClientRow(
                    client.id(),
                    client.description() == null ? "" : client.description(),
                    client.enabled(),
                    summary(client.grants()),
                    ConsoleFormat.time(client.createdAt()),
                    sessions);
        }
    }

    private final ClientService clients;
    private final SessionTable sessions;
    private final ConsoleOperator operator;
    private final ConsolePages pages;
    private final int defaultSize;
    private final int maxSize;

    public ClientPages(
            ClientService clients,
            SessionTable sessions,
            ConsoleOperator operator,
            ConsolePages pages,
            AuthConfig config) {
        this.clients = clients;
        this.sessions = sessions;
        this.operator = operator;
        this.pages = pages;
        this.defaultSize = config.defaultPageSize();
        this.maxSize = config.maxPageSize();
    }

    @GET
    public Response list(
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size,
            @QueryParam("notice") String notice,
            @QueryParam("client") String client) {
        String sentence = null;
        if (notice != null && client != null && CLIENT_ID.matcher(client).matches()) {
            try {
                sentence = Notice.valueOf(notice).sentence.formatted(client);
            } catch (IllegalArgumentException e) {
                sentence = null;
            }
        }
        int shown = size == null ? defaultSize : Math.clamp(size, 1, maxSize);
        return ConsolePages.html(
                200, listPage(page == null ? 0 : Math.clamp(page, 0, 1_000_000), shown, sentence, null, "", ""));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(
            @FormParam(ConsoleSessions.CSRF_FIELD) String csrf,
            @FormParam("id") String id,
            @FormParam("description") String description) {
        ConsoleSession session = operator.authorize(csrf);
        String newId = id == null ? "" : id.trim();
        String text = description == null ? "" : description.trim();
        List<String> errors = new ArrayList<>();
        if (!CLIENT_ID.matcher(newId).matches()) {
            errors.add("Client id " + ClientBodies.CLIENT_ID_MESSAGE + ".");
        }
        if (text.length() > MAX_DESCRIPTION) {
            errors.add(
                    "Description must be at most " + MAX_DESCRIPTION + " characters (it has " + text.length() + ").");
        }
        if (!errors.isEmpty()) {
            return ConsolePages.html(400, listPage(0, defaultSize, null, String.join(" ", errors), newId, text));
        }
        try {
            var created = clients.create(
                    newId, text.isEmpty() ? null : text, GrantsBody.defaults(), true, session.operator());
            return secretPage(201, "Client created", created.client(), created.secret(), session);
        } catch (AdminException e) {
            return ConsolePages.html(status(e), listPage(0, defaultSize, null, e.getMessage(), newId, text));
        }
    }

    @POST
    @Path("{id}/enable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response enable(@PathParam("id") String id, @FormParam(ConsoleSessions.CSRF_FIELD) String csrf) {
        ConsoleSession session = operator.authorize(csrf);
        return change(id, () -> clients.setEnabled(id, true, session.operator()), Notice.enabled);
    }

    @POST
    @Path("{id}/disable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response disable(@PathParam("id") String id, @FormParam(ConsoleSessions.CSRF_FIELD) String csrf) {
        ConsoleSession session = operator.authorize(csrf);
        return change(id, () -> clients.setEnabled(id, false, session.operator()), Notice.disabled);
    }

    @POST
    @Path("{id}/secret")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response rotateSecret(@PathParam("id") String id, @FormParam(ConsoleSessions.CSRF_FIELD) String csrf) {
        ConsoleSession session = operator.authorize(csrf);
        try {
            var rotated = clients.rotateSecret(id, session.operator());
            return secretPage(200, "New secret", rotated.client(), rotated.secret(), session);
        } catch (AdminException e) {
            return listWithError(e);
        }
    }

    @GET
    @Path("{id}/delete")
    public Response confirmDelete(@PathParam("id") String id) {
        return confirm(
                id,
                "delete",
                "Delete client " + id + "?",
                "This deletes the client, its tokens and its "
                        + "reserved names, and closes its sessions on every gateway. It cannot be undone.",
                "Delete " + id,
                "confirm-delete");
    }

    @GET
    @Path("{id}/disable")
    public Response confirmDisable(@PathParam("id") String id) {
        return confirm(
                id,
                "disable",
                "Disable client " + id + "?",
                "Its sessions on every gateway close at "
                        + "once and its agents cannot connect until it is enabled again.",
                "Disable " + id,
                "confirm-disable");
    }

    @GET
    @Path("{id}/secret")
    public Response confirmRotateSecret(@PathParam("id") String id) {
        return confirm(
                id,
                "secret",
                "Rotate the secret of client " + id + "?",
                "The current secret stops "
                        + "working at once: agents that use it cannot log in again until they are given the new one, shown on the next page only.",
                "Rotate the secret of " + id,
                "confirm-rotate");
    }

    /**
     * The page that asks before {@code action} on an existing client: its form posts to
     * {@code PATH/<id>/<action>}, Cancel goes back to the list; the list with an error if there is no such client.
     */
    private Response confirm(String id, String action, String heading, String warning, String button, String buttonId) {
        try {
            clients.get(id);
            var question = new ConsolePages.Confirmation(
                    heading, warning, PATH + "/" + id + "/" + action, button, buttonId, PATH);
            return ConsolePages.html(200, pages.confirm("clients", operator.session(), question));
        } catch (AdminException e) {
            return listWithError(e);
        }
    }

    @POST
    @Path("{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("id") String id, @FormParam(ConsoleSessions.CSRF_FIELD) String csrf) {
        ConsoleSession session = operator.authorize(csrf);
        return change(id, () -> clients.delete(id, session.operator()), Notice.deleted);
    }

    private Response change(String id, Runnable action, Notice notice) {
        try {
            action.run();
        } catch (AdminException e) {
            return listWithError(e);
        }
        return Response.seeOther(UriBuilder.fromPath(PATH)
                        .queryParam("notice", notice.name())
                        .queryParam("client", id)
                        .build())
                .build();
    }

    /** The first page of the list, saying why an action on a client failed. */
    private Response listWithError(AdminException e) {
        return ConsolePages.html(status(e), listPage(0, defaultSize, null, e.getMessage(), "", ""));
    }

    private Response secretPage(int status, String title, ClientRecord client, String secret, ConsoleSession session) {
        return ConsolePages.html(
                status,
                pages.page(
                        "client-secret",
                        "clients",
                        session,
                        Map.of("title", title, "client", ClientRow.of(client), "secret", secret)));
    }

    private String listPage(int page, int size, String notice, String error, String id, String description) {
        Page<ClientRecord> list = clients.list(page, size);
        // Who is connected, stored client or not: a static token's or a public session's agent has no client record.
        List<SessionTable.SessionRow> live = sessions.rows();
        Map<String, Long> perClient =
                live.stream().collect(Collectors.groupingBy(SessionTable.SessionRow::clientId, Collectors.counting()));
        Map<String, Boolean> stored = new HashMap<>();
        List<SessionTable.SessionRow> unstored = live.stream()
                .filter(row -> !stored.computeIfAbsent(row.clientId(), clients::exists))
                .toList();
        Map<String, Object> data = new HashMap<>();
        data.put(
                "clients",
                list.items().stream()
                        .map(c -> ClientRow.of(c, perClient.getOrDefault(c.id(), 0L)))
                        .toList());
        data.put("unstored", unstored);
        data.put("liveSessions", live.size());
        data.put("pager", ConsoleFormat.Pager.of(list));
        data.put("notice", notice);
        data.put("error", error);
        data.put("newId", id);
        data.put("newDescription", description);
        return pages.page("clients", "clients", operator.session(), data);
    }

    private static int status(AdminException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID -> 400;
        };
    }

    private static String summary(Grants grants) {
        List<String> parts = new ArrayList<>();
        if (grants.randomNames()) {
            parts.add("random names");
        }
        if (!grants.subdomains().isEmpty()) {
            parts.add("names " + String.join(", ", grants.subdomains()));
        }
        if (!grants.tcpPorts().isEmpty() || grants.tcpPortCount() > 0) {
            parts.add("TCP");
        }
        if (grants.maxSessions() > 0) {
            parts.add("≤ " + grants.maxSessions() + " sessions");
        }
        if (grants.maxTunnels() > 0) {
            parts.add("≤ " + grants.maxTunnels() + " tunnels");
        }
        return parts.isEmpty() ? "nothing" : String.join("; ", parts);
    }
}
