package dev.porthole.notification.security;

import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.protocol.admin.AdminTokenKey;
import io.quarkus.logging.Log;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import java.security.SecureRandom;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies admin JWTs locally, as every Porthole service does: HS256 with the key derived from
 * {@code PORTHOLE_ADMIN_KEY} ({@link AdminTokenKey#derive}), issuer {@link AdminTokenKey#ISSUER},
 * audience {@link AdminTokenKey#AUDIENCE}, roles from the {@code groups} claim. smallrye-jwt
 * cannot be given a derived key through properties, so this replaces its context.
 */
@ApplicationScoped
public class AdminTokenVerification {

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    JWTAuthContextInfo adminTokenContext(NotificationConfig config) {
        JWTAuthContextInfo info = new JWTAuthContextInfo();
        if (config.admin().key().isPresent()) {
            info.setSecretVerificationKey(
                    AdminTokenKey.derive(config.admin().key().get()));
        } else {
            // No admin key: a random key nobody knows, so that every token is refused.
            byte[] unknown = new byte[32];
            new SecureRandom().nextBytes(unknown);
            info.setSecretVerificationKey(new SecretKeySpec(unknown, "HmacSHA256"));
            Log.warn("PORTHOLE_ADMIN_KEY is not set: the admin API answers 401 to every request");
        }
        info.setIssuedBy(AdminTokenKey.ISSUER);
        info.setExpectedAudience(Set.of(AdminTokenKey.AUDIENCE));
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
        info.setDefaultGroupsClaim("groups");
        return info;
    }
}
