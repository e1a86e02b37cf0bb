package dev.porthole.auth.rest;

import dev.porthole.auth.security.AdminKeyExchange;
import dev.porthole.protocol.problem.Problem;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Exchanges the bootstrap admin key for a short-lived admin JWT: {@code POST /api/v1/admin/token}
 * with {@code Authorization: Bearer <PORTHOLE_ADMIN_KEY>}.
 */
@Path("/api/v1/admin/token")
@PermitAll
@Tag(name = "admin")
@SecurityScheme(
        securitySchemeName = "adminJwt",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        bearerFormat = "JWT",
        description = "An admin JWT from POST /api/v1/admin/token")
public class AdminTokenResource {

    /**
     * An admin JWT.
     *
     * @param accessToken the JWT to send as {@code Authorization: Bearer <accessToken>}
     * @param tokenType always {@code Bearer}
     * @param expiresIn seconds until it expires
     * @param expiresAt when it expires
     */
    public record AdminToken(String accessToken, String tokenType, long expiresIn, Instant expiresAt) {}

    private final AdminKeyExchange exchange;
    private final ProblemResponses problems;

    public AdminTokenResource(AdminKeyExchange exchange, ProblemResponses problems) {
        this.exchange = exchange;
        this.problems = problems;
    }

    @POST
    @Operation(summary = "Get a short-lived admin JWT for the bootstrap admin key")
    public Response token(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServerRequest request) {
        String address = request.remoteAddress() == null
                ? "unknown"
                : request.remoteAddress().hostAddress();
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : "";
        return switch (exchange.exchange(presented, address)) {
            case AdminKeyExchange.Issued issued ->
                Response.ok(
                                new AdminToken(
                                        issued.jwt(),
                                        "Bearer",
                                        issued.lifetime().toSeconds(),
                                        issued.expiresAt()),
                                MediaType.APPLICATION_JSON)
                        .build();
            case AdminKeyExchange.Locked locked ->
                problems.builder(Problem.of(
                                "too-many-failures",
                                "Too many failures",
                                429,
                                "too many failed attempts from this address; try again in " + locked.seconds()
                                        + " seconds"))
                        .header("Retry-After", locked.seconds())
                        .build();
            // The filter answers 503 on /api/v1 before this runs when no key is configured.
            case AdminKeyExchange.Refused refused -> unauthorized();
            case AdminKeyExchange.Disabled disabled -> unauthorized();
        };
    }

    private Response unauthorized() {
        return problems.builder(Problem.of(
                        "unauthorized",
                        "Unauthorized",
                        401,
                        "send the bootstrap admin key as 'Authorization: Bearer <PORTHOLE_ADMIN_KEY>'"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"porthole-admin\"")
                .build();
    }
}
