package dev.porthole.auth.credential;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets, tokens and ids from one {@link SecureRandom}. */
@ApplicationScoped
public class SecretGenerator {

    /** Prefix of issued static tokens, so that they are recognisable in a leaked config file. */
    public static final String STATIC_TOKEN_PREFIX = "pht_";

    private final SecureRandom random = new SecureRandom();

    /** A client secret: 32 random bytes, base64url (43 characters). */
    public String clientSecret() {
        return base64Url(32);
    }

    /** A static token: {@code pht_} and 32 random bytes, base64url; no dots, so never JWT-shaped. */
    public String staticToken() {
        return STATIC_TOKEN_PREFIX + base64Url(32);
    }

    /** An HS256 signing secret: 32 random bytes, base64url. */
    public String signingSecret() {
        return base64Url(32);
    }

    /** A short random id with a readable prefix, for example {@code tok_3f9a1c0b7d2e4a61}. */
    public String id(String prefix) {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    private String base64Url(int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }
}
