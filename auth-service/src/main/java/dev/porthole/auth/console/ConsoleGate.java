package dev.porthole.auth.console;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Lets no console request reach a page without a valid session cookie (the login page and htmx
 * excepted): a browser is sent to the login page, an htmx refresh is told to go there. Posts whose
 * {@code Origin} is another site are refused outright; the per-session CSRF token is checked by
 * each action ({@link ConsoleOperator#authorize}). Every console answer is marked not cacheable and
 * not frameable.
 */
public class ConsoleGate {

    /** Where the console lives. */
    public static final String ROOT = "/console";

    static final String LOGIN = ROOT + "/login";
    static final String STATIC = ROOT + "/static/";

    private final ConsoleSessions sessions;
    private final ConsoleOperator operator;
    private final ConsolePages pages;

    public ConsoleGate(ConsoleSessions sessions, ConsoleOperator operator, ConsolePages pages) {
        this.sessions = sessions;
        this.operator = operator;
        this.pages = pages;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> gate(ContainerRequestContext request, HttpServerRequest http) {
        String path = request.getUriInfo().getPath();
        if (!isConsole(path)) {
            return Uni.createFrom().nullItem();
        }
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod()) && crossSite(request, http)) {
            return Uni.createFrom()
                    .item(ConsolePages.html(
                            403,
                            pages.refusal("Cross-site request refused: open the console itself to make changes.")));
        }
        if (path.equals(LOGIN) || path.startsWith(STATIC)) {
            return Uni.createFrom().nullItem();
        }
        Cookie cookie = request.getCookies().get(ConsoleSessions.COOKIE);
        boolean presented = cookie != null && !cookie.getValue().isEmpty();
        return sessions.read(presented ? cookie.getValue() : null).map(session -> {
            if (session.isEmpty()) {
                URI login = URI.create(LOGIN + (presented ? "?expired=true" : ""));
                if (request.getHeaderString("HX-Request") != null) {
                    return Response.status(401)
                            .header("HX-Redirect", login.toString())
                            .build();
                }
                return Response.seeOther(login).build();
            }
            operator.set(session.get());
            return null;
        });
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (!isConsole(request.getUriInfo().getPath())
                || request.getUriInfo().getPath().startsWith(STATIC)) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        headers.putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        headers.putSingle("X-Frame-Options", "DENY");
        headers.putSingle("X-Content-Type-Options", "nosniff");
        headers.putSingle("Referrer-Policy", "same-origin");
        headers.putSingle(
                "Content-Security-Policy",
                "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    }

    static boolean isConsole(String path) {
        return path.equals(ROOT) || path.startsWith(ROOT + "/");
    }

    private static boolean crossSite(ContainerRequestContext request, HttpServerRequest http) {
        String origin = request.getHeaderString("Origin");
        return origin != null && crossSite(origin, http);
    }

    /** Whether {@code origin} names another site than the one {@code http} was addressed to. */
    static boolean crossSite(String origin, HttpServerRequest http) {
        if (http.authority() == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            return uri.getRawAuthority() == null
                    || !uri.getRawAuthority().equalsIgnoreCase(http.authority().toString());
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
