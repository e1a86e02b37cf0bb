package dev.porthole.auth.jwt;

import java.time.Instant;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One HS256 signing secret for agent JWTs, named by its {@code kid}. The secret never leaves Redis
 * and this process: it is not in {@link #toString()}, logs or API answers.
 *
 * @param kid key id put in the JWT header
 * @param secret the secret, base64url without padding (32 random bytes)
 * @param createdAt when it was generated
 */
public record SigningKey(String kid, String secret, Instant createdAt) {

    /** The secret as an HS256 key. */
    public SecretKey secretKey() {
        return new SecretKeySpec(Base64.getUrlDecoder().decode(secret), "HmacSHA256");
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", createdAt=" + createdAt + "]";
    }
}
