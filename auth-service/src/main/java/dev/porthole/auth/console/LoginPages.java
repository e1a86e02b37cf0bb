package dev.porthole.auth.console;

import dev.porthole.auth.security.AdminKeyExchange;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * Logging in to the console with the bootstrap admin key (traded for an admin JWT exactly as
 * {@code POST /api/v1/admin/token} does, failures counted the same way) and logging out.
 */
@Path(ConsoleGate.ROOT)
@Produces(MediaType.TEXT_HTML)
public class LoginPages {

    private static final String DISABLED =
            "The console is off because PORTHOLE_ADMIN_KEY is not set; set it to a random string"
                    + " of at least 32 characters (for example: openssl rand -base64 32) and restart auth-service.";

    private final AdminKeyExchange exchange;
    private final ConsoleSessions sessions;
    private final ConsoleOperator operator;
    private final ConsolePages pages;

    public LoginPages(
            AdminKeyExchange exchange, ConsoleSessions sessions, ConsoleOperator operator, ConsolePages pages) {
        this.exchange = exchange;
        this.sessions = sessions;
        this.operator = operator;
        this.pages = pages;
    }

    @GET
    public Response home() {
        return Response.seeOther(URI.create(ClientPages.PATH)).build();
    }

    @GET
    @Path("login")
    public Response loginPage(@QueryParam("expired") boolean expired, @QueryParam("out") boolean loggedOut) {
        if (!exchange.enabled()) {
            return ConsolePages.html(503, pages.login(DISABLED, true, false));
        }
        String notice = expired ? "Your session has ended; log in again." : loggedOut ? "You are logged out." : null;
        return ConsolePages.html(200, pages.login(notice, false, true));
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("key") String key, @Context HttpServerRequest request) {
        String address = request.remoteAddress() == null
                ? "unknown"
                : request.remoteAddress().hostAddress();
        return switch (exchange.exchange(key == null ? "" : key.trim(), address)) {
            case AdminKeyExchange.Issued issued ->
                Response.seeOther(URI.create(ClientPages.PATH))
                        .cookie(sessions.open(issued.jwt(), issued.lifetime(), secure(request)))
                        .build();
            case AdminKeyExchange.Refused refused ->
                ConsolePages.html(401, pages.login("That is not the admin key (PORTHOLE_ADMIN_KEY).", true, true));
            case AdminKeyExchange.Locked locked ->
                ConsolePages.html(
                        429,
                        pages.login(
                                "Too many wrong keys from your address; try again in " + locked.seconds() + " seconds.",
                                true,
                                true));
            case AdminKeyExchange.Disabled disabled -> ConsolePages.html(503, pages.login(DISABLED, true, false));
        };
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(
            @FormParam(ConsoleSessions.CSRF_FIELD) String csrf,
            @CookieParam(ConsoleSessions.COOKIE) String cookie,
            @Context HttpServerRequest request) {
        ConsoleSession session = operator.authorize(csrf);
        return Response.seeOther(URI.create(ConsoleGate.LOGIN + "?out=true"))
                .cookie(sessions.close(cookie, session, secure(request)))
                .build();
    }

    /** Whether the browser reached us over https (directly, or through a proxy Quarkus is told to trust). */
    static boolean secure(HttpServerRequest request) {
        return "https".equalsIgnoreCase(request.scheme());
    }
}
