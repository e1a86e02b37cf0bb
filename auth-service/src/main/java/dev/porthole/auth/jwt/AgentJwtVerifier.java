package dev.porthole.auth.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.repository.SigningKeyRepository;
import dev.porthole.auth.repository.TokenRepository;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonNumber;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies agent JWTs with smallrye-jwt against the current and the previous signing secret (chosen by
 * the header's {@code kid}), with the websocktunnel rules: HS256 only ({@code alg: none} refused),
 * {@code exp}, {@code nbf} and {@code tid} required ({@code iat} too: smallrye-jwt insists on it), {@code exp - nbf} at most 31 days, {@code tid}
 * equal to the client id sent with it, {@code aud} checked when configured, a configurable clock
 * skew, and revoked {@code jti}s refused.
 */
@ApplicationScoped
public class AgentJwtVerifier {

    /** Longest validity ({@code exp - nbf}) accepted. */
    public static final Duration MAX_VALIDITY = Duration.ofDays(31);

    /** Generic refusal: says nothing about which secret or client exists. */
    public static final String NOT_ACCEPTED =
            "authentication failed: the JWT was not accepted (unknown signing key or bad signature); ask an administrator for a new token";

    private static final ObjectMapper HEADER_READER = new ObjectMapper();

    private final SigningKeyRepository signingKeys;
    private final TokenRepository tokens;
    private final AuthConfig.Jwt config;
    private final JWTParser parser = new DefaultJWTParser();

    public AgentJwtVerifier(SigningKeyRepository signingKeys, TokenRepository tokens, AuthConfig config) {
        this.signingKeys = signingKeys;
        this.tokens = tokens;
        this.config = config.jwt();
    }

    /** Checks {@code token} presented together with the client id {@code expectedClientId} (may be null). */
    public AgentJwtVerification verify(String token, String expectedClientId) {
        JsonNode header = header(token);
        if (header == null) {
            return new AgentJwtVerification.Invalid(
                    "malformed-jwt", "authentication failed: the JWT's header is not valid base64url JSON");
        }
        if (!"HS256".equals(header.path("alg").asText())) {
            return new AgentJwtVerification.Invalid(
                    "bad-algorithm",
                    "authentication failed: the JWT must be signed with HS256 (alg '"
                            + header.path("alg").asText() + "' is refused)");
        }
        String kid = header.path("kid").asText(null);
        Optional<SigningKey> key = keyFor(kid);
        if (key.isEmpty()) {
            return new AgentJwtVerification.Invalid("unknown-key", NOT_ACCEPTED);
        }
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token, contextFor(key.get()));
        } catch (ParseException e) {
            return refusal(e);
        }
        // smallrye-jwt answers 0 for an absent time claim, so presence is checked by name.
        Set<String> names = jwt.getClaimNames();
        Long exp = names.contains("exp") ? numeric(jwt.getClaim("exp")) : null;
        Long nbf = names.contains("nbf") ? numeric(jwt.getClaim("nbf")) : null;
        String tid = names.contains("tid") ? stringOf(jwt.getClaim("tid")) : null;
        if (exp == null || nbf == null || tid == null) {
            return new AgentJwtVerification.Invalid(
                    "missing-claims",
                    "authentication failed: the JWT lacks a required claim (exp, nbf, iat and tid are required)");
        }
        if (exp - nbf > MAX_VALIDITY.toSeconds()) {
            return new AgentJwtVerification.Invalid(
                    "validity-too-long",
                    "authentication failed: the JWT is valid for more than 31 days (exp - nbf); issue a shorter-lived one");
        }
        if (expectedClientId == null || !expectedClientId.equals(tid)) {
            return new AgentJwtVerification.Invalid(
                    "tid-mismatch",
                    "authentication failed: the JWT's tid claim does not match the client id sent with it (X-Porthole-Client)");
        }
        String jti = jwt.getTokenID();
        if (jti != null && tokens.isJwtRevoked(jti)) {
            return new AgentJwtVerification.Invalid(
                    "revoked",
                    "authentication failed: this token has been revoked; ask an administrator for a new one");
        }
        return new AgentJwtVerification.Valid(tid, jti, kid);
    }

    private Optional<SigningKey> keyFor(String kid) {
        if (kid == null) {
            return Optional.empty();
        }
        Optional<SigningKey> current = signingKeys.current().filter(k -> k.kid().equals(kid));
        return current.isPresent()
                ? current
                : signingKeys.previous().filter(k -> k.kid().equals(kid));
    }

    private JWTAuthContextInfo contextFor(SigningKey key) {
        JWTAuthContextInfo context = new JWTAuthContextInfo();
        context.setSecretVerificationKey(key.secretKey());
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
        context.setClockSkew((int) config.clockSkew().toSeconds());
        context.setRequireNamedPrincipal(false);
        config.audience().ifPresent(aud -> context.setExpectedAudience(Set.of(aud)));
        return context;
    }

    private static AgentJwtVerification refusal(ParseException e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof InvalidJwtException)) {
            cause = cause.getCause();
        }
        if (cause instanceof InvalidJwtException invalid) {
            if (invalid.hasExpired()) {
                return new AgentJwtVerification.Invalid(
                        "expired", "authentication failed: the JWT has expired; get a new one");
            }
            if (invalid.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
                return new AgentJwtVerification.Invalid(
                        "not-yet-valid",
                        "authentication failed: the JWT is not valid yet (nbf is in the future); check this machine's clock");
            }
            if (invalid.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)
                    || invalid.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING)) {
                return new AgentJwtVerification.Invalid(
                        "missing-claims",
                        "authentication failed: the JWT lacks a required claim (exp, nbf, iat and tid are required)");
            }
            if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
                    || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                return new AgentJwtVerification.Invalid(
                        "wrong-audience",
                        "authentication failed: the JWT's audience (aud) is not the one this server expects");
            }
        }
        return new AgentJwtVerification.Invalid("bad-signature", NOT_ACCEPTED);
    }

    private static JsonNode header(String token) {
        try {
            int dot = token.indexOf('.');
            JsonNode header = HEADER_READER.readTree(Base64.getUrlDecoder().decode(token.substring(0, dot)));
            return header != null && header.isObject() ? header : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Long numeric(Object claim) {
        return switch (claim) {
            case null -> null;
            case Number n -> n.longValue();
            case JsonNumber n -> n.longValue();
            default -> null;
        };
    }

    private static String stringOf(Object claim) {
        return switch (claim) {
            case null -> null;
            case String s -> s;
            case jakarta.json.JsonString s -> s.getString();
            default -> null;
        };
    }
}
