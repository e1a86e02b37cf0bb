package dev.porthole.auth.jwt;

import dev.porthole.protocol.admin.AdminTokenKey;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/** Signs the two kinds of JWT auth-service issues, with smallrye-jwt-build and an explicit HS256 key. */
@ApplicationScoped
public class JwtIssuer {

    /** An agent JWT for {@code clientId}, valid from {@code notBefore} until {@code expiresAt}. */
    public String agentToken(
            SigningKey key,
            String clientId,
            String jti,
            Instant notBefore,
            Instant expiresAt,
            Optional<String> audience) {
        JwtClaimsBuilder claims = Jwt.claims()
                .subject(clientId)
                .claim("tid", clientId)
                .claim("jti", jti)
                .issuedAt(notBefore)
                .claim("nbf", notBefore.getEpochSecond())
                .expiresAt(expiresAt);
        audience.ifPresent(claims::audience);
        return claims.jws().algorithm(SignatureAlgorithm.HS256).keyId(key.kid()).sign(key.secretKey());
    }

    /** An admin JWT ({@code groups: [admin]}) signed with the key derived from the bootstrap admin key. */
    public String adminToken(SecretKey adminKey, String subject, Instant issuedAt, Instant expiresAt) {
        return Jwt.claims()
                .issuer(AdminTokenKey.ISSUER)
                .audience(AdminTokenKey.AUDIENCE)
                .subject(subject)
                .groups(Set.of(AdminTokenKey.ADMIN_ROLE))
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .jws()
                .algorithm(SignatureAlgorithm.HS256)
                .sign(adminKey);
    }
}
