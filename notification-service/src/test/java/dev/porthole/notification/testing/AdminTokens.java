package dev.porthole.notification.testing;

import dev.porthole.protocol.admin.AdminTokenKey;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
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
        return sign(claims("tester", AdminTokenKey.ADMIN_ROLE).expiresIn(Duration.ofMinutes(5)), ADMIN_KEY);
    }

    /** Valid signature, issuer and audience, but no admin role. */
    public static String withoutAdminRole() {
        return sign(claims("viewer", "viewer").expiresIn(Duration.ofMinutes(5)), ADMIN_KEY);
    }

    /** Signed with the key derived from another admin key. */
    public static String signedWithOtherKey() {
        return sign(
                claims("intruder", AdminTokenKey.ADMIN_ROLE).expiresIn(Duration.ofMinutes(5)),
                "another-admin-key-0123456789abcdef0123");
    }

    /** Expired an hour ago. */
    public static String expired() {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return sign(
                claims("tester", AdminTokenKey.ADMIN_ROLE).issuedAt(past).expiresAt(past.plus(Duration.ofMinutes(5))),
                ADMIN_KEY);
    }

    private static JwtClaimsBuilder claims(String subject, String group) {
        return Jwt.issuer(AdminTokenKey.ISSUER)
                .audience(AdminTokenKey.AUDIENCE)
                .subject(subject)
                .groups(Set.of(group));
    }

    /** HS256 with the key auth-service derives from {@code adminKey}. */
    private static String sign(JwtClaimsBuilder claims, String adminKey) {
        return claims.jws().algorithm(SignatureAlgorithm.HS256).sign(AdminTokenKey.derive(adminKey));
    }
}
