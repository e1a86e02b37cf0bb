package dev.porthole.gateway.tls;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Answers ACME HTTP-01 challenges ({@code GET /.well-known/acme-challenge/<token>} on the plain-HTTP
 * port, RFC 8555 8.3); the redirect listener serves the answers. The ACME certificates
 * ({@code tls.acme.OnDemandCertificates}) keep them in Redis, so whichever gateway the CA reaches answers.
 */
public interface AcmeHttpChallenges {

    /** The path prefix the challenges are asked at. */
    String PATH_PREFIX = "/.well-known/acme-challenge/";

    /** The key authorization for {@code token}, if a challenge with that token is pending; called on the event loop. */
    Future<Optional<String>> keyAuthorization(String token);
}
