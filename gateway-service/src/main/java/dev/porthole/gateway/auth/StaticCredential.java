package dev.porthole.gateway.auth;

import dev.porthole.protocol.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One static token, kept as its SHA-256 only, and who its holder is: a token of
 * {@code porthole.gateway.auth.tokens} (every grant) or a client of the configuration file (its own
 * grants). Where a token is written, {@code sha256:<64 hex digits>} stands for the token with that
 * SHA-256: the form gateways publish on {@code <prefix>config}, and one an operator may use in the file.
 */
public record StaticCredential(String sha256Hex, Principal principal) {

    /** The prefix of a token written as its hash. */
    public static final String HASHED = "sha256:";

    private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

    public StaticCredential {
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        Objects.requireNonNull(principal, "principal");
    }

    /** From a token as written: the token itself, or {@code sha256:<hex>} of it. */
    public static StaticCredential of(String written, Principal principal) {
        return new StaticCredential(hashed(written).substring(HASHED.length()), principal);
    }

    /** Whether a written token is the hashed form (which {@link #isWellFormedHash} then checks). */
    public static boolean isHashed(String written) {
        return written.startsWith(HASHED);
    }

    /** Whether a hashed form is {@code sha256:} and 64 lower-case hex digits. */
    public static boolean isWellFormedHash(String written) {
        return HASH.matcher(written).matches();
    }

    /** The hashed form of a written token ({@code sha256:<hex>}); a hashed form stays as it is. */
    public static String hashed(String written) {
        return isHashed(written) ? written : HASHED + HexFormat.of().formatHex(sha256(written));
    }

    /** The SHA-256 of a presented token. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
