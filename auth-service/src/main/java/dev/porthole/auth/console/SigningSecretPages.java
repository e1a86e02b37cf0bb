package dev.porthole.auth.console;

import dev.porthole.auth.jwt.SigningKey;
import dev.porthole.auth.service.AdminException;
import dev.porthole.auth.service.SigningKeyService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.HashMap;
import java.util.Map;

/** The JWT signing secrets' ids (never the secrets), with rotate and retire-previous, through {@link SigningKeyService}. */
@Path(SigningSecretPages.PATH)
@Produces(MediaType.TEXT_HTML)
public class SigningSecretPages {

    static final String PATH = ConsoleGate.ROOT + "/signing-secrets";

    /** A secret's id and when it was made. */
    public record KeyRow(String kid, String createdAt) {
        static KeyRow of(SigningKey key) {
            return new KeyRow(key.kid(), ConsoleFormat.time(key.createdAt()));
        }
    }

    /** What the page says after an action. */
    enum Notice {
        rotated("Rotated: a new secret signs; the previous one still verifies until you retire it."),
        retired("Retired: JWTs signed with the previous secret no longer work, and their sessions are being closed.");

        private final String sentence;

        Notice(String sentence) {
            this.sentence = sentence;
        }
    }

    private final SigningKeyService keys;
    private final ConsoleOperator operator;
    private final ConsolePages pages;

    public SigningSecretPages(SigningKeyService keys, ConsoleOperator operator, ConsolePages pages) {
        this.keys = keys;
        this.operator = operator;
        this.pages = pages;
    }

    @GET
    public Response page(@QueryParam("notice") String notice) {
        String sentence = null;
        if (notice != null) {
            try {
                sentence = Notice.valueOf(notice).sentence;
            } catch (IllegalArgumentException e) {
                sentence = null;
            }
        }
        return ConsolePages.html(200, render(sentence, null));
    }

    @POST
    @Path("rotate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response rotate(@FormParam(ConsoleSessions.CSRF_FIELD) String csrf) {
        ConsoleSession session = operator.authorize(csrf);
        return act(() -> keys.rotate(session.operator()), Notice.rotated);
    }

    @GET
    @Path("retire")
    public Response confirmRetire() {
        return keys.status()
                .previous()
                .map(key -> ConsolePages.html(
                        200,
                        pages.confirm(
                                "signing-secrets",
                                operator.session(),
                                new ConsolePages.Confirmation(
                                        "Retire the previous signing secret " + key.kid() + "?",
                                        "JWTs signed with it stop "
                                                + "working at once, and the sessions of agents that logged in with them close. Agents with credentials log in again "
                                                + "and get a JWT signed with the current secret.",
                                        PATH + "/retire",
                                        "Retire the previous secret",
                                        "confirm-retire",
                                        PATH))))
                .orElseGet(
                        () -> ConsolePages.html(409, render(null, "There is no previous signing secret to retire.")));
    }

    @POST
    @Path("retire")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response retire(@FormParam(ConsoleSessions.CSRF_FIELD) String csrf) {
        ConsoleSession session = operator.authorize(csrf);
        return act(() -> keys.retirePrevious(session.operator()), Notice.retired);
    }

    private Response act(Runnable action, Notice notice) {
        try {
            action.run();
        } catch (AdminException e) {
            return ConsolePages.html(409, render(null, e.getMessage()));
        }
        return Response.seeOther(UriBuilder.fromPath(PATH)
                        .queryParam("notice", notice.name())
                        .build())
                .build();
    }

    private String render(String notice, String error) {
        SigningKeyService.KeyPair pair = keys.status();
        Map<String, Object> data = new HashMap<>();
        data.put("current", KeyRow.of(pair.current()));
        data.put("previous", pair.previous().map(KeyRow::of).orElse(null));
        data.put("notice", notice);
        data.put("error", error);
        return pages.page("signing-secrets", "signing-secrets", operator.session(), data);
    }
}
