package dev.porthole.auth.rest;

import dev.porthole.auth.config.AdminConfig;
import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.credential.TokenDigest;
import dev.porthole.auth.jwt.AdminJwtVerifier;
import dev.porthole.auth.jwt.JwtIssuer;
import dev.porthole.auth.lockout.FailureLedger;
import dev.porthole.auth.metrics.AuthMetrics;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
@SecurityScheme(securitySchemeName = "adminJwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
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
    public record AdminToken(String accessToken, String tokenType, long expiresIn, Instant expiresAt) {
    }

    private final AdminConfig admin;
    private final AdminJwtVerifier verifier;
    private final JwtIssuer issuer;
    private final FailureLedger ledger;
    private final AuthMetrics metrics;
    private final ProblemResponses problems;
    private final Duration lifetime;
    private final Clock clock;

    public AdminTokenResource(AdminConfig admin, AdminJwtVerifier verifier, JwtIssuer issuer, FailureLedger ledger, AuthMetrics metrics,
            ProblemResponses problems, AuthConfig config, Clock clock) {
        this.admin = admin;
        this.verifier = verifier;
        this.issuer = issuer;
        this.ledger = ledger;
        this.metrics = metrics;
        this.problems = problems;
        this.lifetime = config.adminTokenLifetime();
        this.clock = clock;
    }

    @POST
    @Operation(summary = "Get a short-lived admin JWT for the bootstrap admin key")
    public Response token(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServerRequest request) {
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        Optional<Duration> locked = ledger.lockedFor(address, null);
        if (locked.isPresent()) {
            long seconds = Math.max(1, (locked.get().toMillis() + 999) / 1000);
            ledger.refusedWhileLocked(address, null);
            return problems.builder(Problem.of("too-many-failures", "Too many failures", 429,
                    "too many failed attempts from this address; try again in " + seconds + " seconds"))
                    .header("Retry-After", seconds).build();
        }
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : "";
        // The filter guarantees a key is configured on /api/v1.
        String key = admin.key().orElseThrow();
        if (presented.isEmpty() || !TokenDigest.sameToken(presented, key)) {
            ledger.failed(address, null, "bad-admin-key");
            metrics.refused("bad-admin-key");
            Log.infof("admin token refused from %s: wrong admin key", address);
            return problems.builder(Problem.of("unauthorized", "Unauthorized", 401,
                    "send the bootstrap admin key as 'Authorization: Bearer <PORTHOLE_ADMIN_KEY>'"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"porthole-admin\"").build();
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plus(lifetime);
        String jwt = issuer.adminToken(verifier.key().orElseThrow(), "admin", now, expiresAt);
        Log.infof("admin token issued to %s, valid until %s", address, expiresAt);
        return Response.ok(new AdminToken(jwt, "Bearer", lifetime.toSeconds(), expiresAt), MediaType.APPLICATION_JSON).build();
    }
}
