package dev.porthole.protocol.admin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HS256 key that signs and verifies admin JWTs, derived from the bootstrap admin key
 * ({@code PORTHOLE_ADMIN_KEY}) that every service is given. auth-service issues admin JWTs with
 * it; other services verify them with it, without a call to auth-service. Deriving keeps the
 * bootstrap key itself out of every signature.
 */
public final class AdminTokenKey {

    /** Issuer of admin JWTs. */
    public static final String ISSUER = "porthole";
    /** Audience of admin JWTs. */
    public static final String AUDIENCE = "porthole-admin";
    /** Group (role) an admin JWT carries. */
    public static final String ADMIN_ROLE = "admin";
    /** Shortest bootstrap admin key accepted. */
    public static final int MIN_ADMIN_KEY_LENGTH = 32;

    private static final byte[] LABEL = "porthole/admin-jwt/v1".getBytes(StandardCharsets.UTF_8);

    private AdminTokenKey() {}

    /** HMAC-SHA256(key = admin key, data = "porthole/admin-jwt/v1"), as an HS256 key. */
    public static SecretKey derive(String adminKey) {
        if (adminKey == null || adminKey.length() < MIN_ADMIN_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "the admin key (PORTHOLE_ADMIN_KEY) must be at least " + MIN_ADMIN_KEY_LENGTH + " characters");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(adminKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal(LABEL), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
