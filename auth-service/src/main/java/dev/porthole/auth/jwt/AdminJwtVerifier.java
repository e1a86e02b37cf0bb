package dev.porthole.auth.jwt;

import dev.porthole.auth.config.AdminConfig;
import dev.porthole.auth.config.AuthConfig;
import dev.porthole.protocol.admin.AdminTokenKey;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies admin JWTs with an explicit key, the one derived from {@code PORTHOLE_ADMIN_KEY}, so that
 * no key smallrye-jwt might generate in dev or test mode can ever be used: HS256 only, issuer
 * {@link AdminTokenKey#ISSUER}, audience {@link AdminTokenKey#AUDIENCE}, unexpired.
 */
@ApplicationScoped
public class AdminJwtVerifier {

    private final Optional<SecretKey> key;
    private final int clockSkewSeconds;
    private final JWTParser parser = new DefaultJWTParser();

    public AdminJwtVerifier(AdminConfig admin, AuthConfig auth) {
        this.key = admin.key()
                .filter(k -> k.length() >= AdminTokenKey.MIN_ADMIN_KEY_LENGTH)
                .map(AdminTokenKey::derive);
        this.clockSkewSeconds = (int) auth.jwt().clockSkew().toSeconds();
    }

    /** The signing key, when an admin key is configured. */
    public Optional<SecretKey> key() {
        return key;
    }

    /** The verified token; a {@link ParseException} for anything else. */
    public JsonWebToken verify(String token) throws ParseException {
        if (key.isEmpty()) {
            throw new ParseException("no admin key is configured");
        }
        JWTAuthContextInfo context = new JWTAuthContextInfo();
        context.setSecretVerificationKey(key.get());
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
        context.setIssuedBy(AdminTokenKey.ISSUER);
        context.setExpectedAudience(Set.of(AdminTokenKey.AUDIENCE));
        context.setClockSkew(clockSkewSeconds);
        return parser.parse(token, context);
    }
}
