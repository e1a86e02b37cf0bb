package dev.porthole.auth.testing;

import dev.porthole.auth.jwt.SigningKey;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** Builds agent JWTs the way an external signer would, including ones that break a rule. */
public final class TestJwts {

    private TestJwts() {}

    /** A JWT for {@code tid} valid from {@code nbf} to {@code exp}; null leaves a claim out. */
    public static String signed(SecretKey key, String kid, String tid, Instant nbf, Instant exp, String audience) {
        JwtClaimsBuilder claims = Jwt.claims().claim("jti", "test-" + System.nanoTime());
        if (tid != null) {
            claims.claim("tid", tid);
        }
        if (nbf != null) {
            claims.claim("nbf", nbf.getEpochSecond()).issuedAt(nbf);
        }
        if (exp != null) {
            claims.expiresAt(exp);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        return claims.jws().algorithm(SignatureAlgorithm.HS256).keyId(kid).sign(key);
    }

    /** A JWT valid now for an hour. */
    public static String valid(SigningKey key, String tid) {
        Instant now = Instant.now();
        return signed(key.secretKey(), key.kid(), tid, now.minusSeconds(5), now.plus(Duration.ofHours(1)), null);
    }

    public static SecretKey randomKey() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** An unsigned token: {@code alg: none}, empty signature. */
    public static String unsigned(String kid, String tid) {
        Instant now = Instant.now();
        String header = "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
        String payload =
                "{\"tid\":\"" + tid + "\",\"nbf\":" + now.minusSeconds(5).getEpochSecond() + ",\"exp\":"
                        + now.plusSeconds(3600).getEpochSecond() + "}";
        return b64(header) + "." + b64(payload) + ".";
    }

    /** HS256 over exactly this header and payload, for claims a builder would add by itself. */
    public static String hs256(SecretKey key, String headerJson, String payloadJson) {
        try {
            String signingInput = b64(headerJson) + "." + b64(payloadJson);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
