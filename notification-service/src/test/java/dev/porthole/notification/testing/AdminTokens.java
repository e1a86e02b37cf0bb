package dev.porthole.notification.testing;

import dev.porthole.protocol.admin.AdminTokenKey;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** Admin JWTs for tests, minted the way auth-service mints them (smallrye-jwt-build, HS256). */
public final class AdminTokens {

    /** The admin key the test profile configures (PORTHOLE_ADMIN_KEY). */
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef0123456789";

    private AdminTokens() {}

    /** A valid admin token. */
    public static String admin() {
        return Jwt.issuer(AdminTokenKey.ISSUER)
                .audience(AdminTokenKey.AUDIENCE)
                .subject("tester")
                .groups(Set.of(AdminTokenKey.ADMIN_ROLE))
                .expiresIn(Duration.ofMinutes(5))
                .jws()
                .algorithm(SignatureAlgorithm.HS256)
                .sign(AdminTokenKey.derive(ADMIN_KEY));
    }

    /** Valid signature, issuer and audience, but no admin role. */
    public static String withoutAdminRole() {
        return Jwt.issuer(AdminTokenKey.ISSUER)
                .audience(AdminTokenKey.AUDIENCE)
                .subject("viewer")
                .groups(Set.of("viewer"))
                .expiresIn(Duration.ofMinutes(5))
                .jws()
                .algorithm(SignatureAlgorithm.HS256)
                .sign(AdminTokenKey.derive(ADMIN_KEY));
    }

    /** Signed with the key derived from another admin key. */
    public static String signedWithOtherKey() {
        return Jwt.issuer(AdminTokenKey.ISSUER)
                .audience(AdminTokenKey.AUDIENCE)
                .subject("intruder")
                .groups(Set.of(AdminTokenKey.ADMIN_ROLE))
                .expiresIn(Duration.ofMinutes(5))
                .jws()
                .algorithm(SignatureAlgorithm.HS256)
                .sign(AdminTokenKey.derive("another-admin-key-0123456789abcdef0123"));
    }

    /** Expired an hour ago. */
    public static String expired() {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return Jwt.issuer(AdminTokenKey.ISSUER)
                .audience(AdminTokenKey.AUDIENCE)
                .subject("tester")
                .groups(Set.of(AdminTokenKey.ADMIN_ROLE))
                .issuedAt(past)
                .expiresAt(past.plus(Duration.ofMinutes(5)))
                .jws()
                .algorithm(SignatureAlgorithm.HS256)
                .sign(AdminTokenKey.derive(ADMIN_KEY));
    }
}
