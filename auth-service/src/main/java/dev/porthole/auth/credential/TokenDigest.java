package dev.porthole.auth.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of static tokens. A fast hash is enough here because issued tokens carry 256 random bits
 * (nothing to guess, unlike a human password), and it lets a presented token be found by its hash
 * in O(1) without storing the token.
 */
public final class TokenDigest {

    private TokenDigest() {}

    /** Hex SHA-256 of the UTF-8 bytes of {@code token}. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** Whether two tokens are equal, in time that does not depend on where they differ. */
    public static boolean sameToken(String a, String b) {
        return MessageDigest.isEqual(sha256(a), sha256(b));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
