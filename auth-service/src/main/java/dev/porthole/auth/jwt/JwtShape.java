package dev.porthole.auth.jwt;

import java.util.regex.Pattern;

/**
 * Tells a JWT from an opaque static token by its shape: three base64url segments separated by dots
 * (the last may be empty, as in an {@code alg: none} token, which is then refused as a JWT). Static
 * tokens issued here never contain a dot.
 */
public final class JwtShape {

    private static final Pattern COMPACT_JWS = Pattern.compile("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$");

    private JwtShape() {}

    public static boolean isJwt(String bearer) {
        return COMPACT_JWS.matcher(bearer).matches();
    }
}
