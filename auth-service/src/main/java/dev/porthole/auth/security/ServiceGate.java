package dev.porthole.auth.security;

import dev.porthole.auth.config.AdminConfig;
import dev.porthole.auth.config.InternalConfig;
import dev.porthole.auth.credential.TokenDigest;
import dev.porthole.auth.rest.ProblemResponses;
import dev.porthole.protocol.problem.Problem;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards the two API families before anything else runs: the admin API answers 503 until
 * {@code PORTHOLE_ADMIN_KEY} is set, and internal endpoints need {@code PORTHOLE_INTERNAL_TOKEN}
 * as a bearer credential (compared in constant time; 503 when unset, 401 when missing or wrong)
 * and, with {@code porthole.internal.require-client-certificate}, a verified TLS client
 * certificate (403 without).
 */
public class ServiceGate {

    private static final String ADMIN_API = "/api/v1/";
    private static final String INTERNAL_API = "/internal/";

    private final AdminConfig admin;
    private final InternalConfig internal;
    private final ProblemResponses problems;

    public ServiceGate(AdminConfig admin, InternalConfig internal, ProblemResponses problems) {
        this.admin = admin;
        this.internal = internal;
        this.problems = problems;
    }

    @ServerRequestFilter(preMatching = true)
    public Response gate(ContainerRequestContext request, HttpServerRequest connection) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith(ADMIN_API) && admin.key().isEmpty()) {
            return problems.of(Problem.of(
                    "admin-key-missing",
                    "Admin API disabled",
                    503,
                    "the admin API is disabled because PORTHOLE_ADMIN_KEY is not set; set it to a random string of at least 32"
                            + " characters (for example: openssl rand -base64 32) and restart auth-service"));
        }
        if (path.startsWith(INTERNAL_API)) {
            if (internal.token().isEmpty()) {
                return problems.of(Problem.of(
                        "internal-token-missing",
                        "Internal API disabled",
                        503,
                        "internal endpoints are disabled because PORTHOLE_INTERNAL_TOKEN is not set; give auth-service and every"
                                + " gateway the same random value of at least 16 characters"));
            }
            String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
            String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? authorization.substring(7).trim()
                    : "";
            if (presented.isEmpty()
                    || !TokenDigest.sameToken(presented, internal.token().get())) {
                return problems.builder(
                                Problem.of(
                                        "service-unauthorized",
                                        "Unauthorized",
                                        401,
                                        "missing or wrong service credential: send 'Authorization: Bearer <PORTHOLE_INTERNAL_TOKEN>'"))
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"porthole-internal\"")
                        .build();
            }
            if (internal.requireClientCertificate() && !verifiedClientCertificate(connection)) {
                return problems.of(
                        Problem.of(
                                "client-certificate-required",
                                "Client certificate required",
                                403,
                                "internal endpoints need a TLS client certificate from the internal CA (PORTHOLE_INTERNAL_REQUIRE_CLIENT_CERTIFICATE"
                                        + " is on): connect over https and give the gateway PORTHOLE_GATEWAY_AUTH_SERVICE_TLS_CERT_FILE and _KEY_FILE"));
            }
        }
        return null;
    }

    /** Whether the caller came over TLS and presented a certificate the handshake verified against the trust store. */
    private static boolean verifiedClientCertificate(HttpServerRequest connection) {
        if (!connection.isSSL()) {
            return false;
        }
        try {
            return !connection.connection().peerCertificates().isEmpty();
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }
}
