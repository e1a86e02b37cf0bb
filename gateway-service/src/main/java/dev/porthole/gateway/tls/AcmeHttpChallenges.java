package dev.porthole.gateway.tls;

import java.util.Optional;

/**
 * Answers ACME HTTP-01 challenges ({@code GET /.well-known/acme-challenge/<token>} on the plain-HTTP
 * port, RFC 8555 8.3). No ACME client is built yet ({@link NoAcmeChallenges}); an ACME store
 * provides a bean of this type and the redirect listener serves its answers.
 */
public interface AcmeHttpChallenges {

    /** The path prefix the challenges are asked at. */
    String PATH_PREFIX = "/.well-known/acme-challenge/";

    /** The key authorization for {@code token}, if a challenge with that token is pending. */
    Optional<String> keyAuthorization(String token);
}
