package dev.porthole.gateway.dial;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a {@code CONNECT} presented in {@code Proxy-Authorization}, turned into what an agent would
 * have sent in its handshake, so that the agents' authentication (auth-service or the gateway's
 * static tokens, its cache and its lockout of bad credentials) decides it.
 *
 * <p>{@code Bearer <token>} is an agent's {@code --token}. {@code Basic base64(user:password)} (curl's
 * {@code -U user:password}) carries a token as its password when the password is an issued token
 * ({@code pht_...}) or a JWT (it has dots; the user is then the client id the JWT's {@code tid}
 * must name), or when the gateway checks static tokens itself; otherwise the pair is a client's
 * credentials ({@code clientId:clientSecret}), as an agent's {@code --credentials}.
 *
 * @param authorization the {@code Authorization} header an agent would have sent
 * @param clientId the client id an agent would have sent in {@code X-Porthole-Client}, or null
 */
public record ProxyCredentials(String authorization, String clientId) {

    /** The prefix of tokens auth-service issues. */
    static final String ISSUED_TOKEN_PREFIX = "pht_";

    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";

    /**
     * Reads a {@code Proxy-Authorization} header.
     *
     * @param localTokens whether the gateway checks static tokens itself (no auth-service)
     * @throws IllegalArgumentException saying what is wrong with the header
     */
    public static ProxyCredentials parse(String header, boolean localTokens) {
        String value = header.strip();
        if (value.equalsIgnoreCase(BEARER.strip()) || value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = value.substring(BEARER.strip().length()).strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("Proxy-Authorization: Bearer carries no token");
            }
            return new ProxyCredentials(BEARER + token, null);
        }
        if (!value.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            throw new IllegalArgumentException(
                    "Proxy-Authorization must be 'Bearer <token>' or 'Basic <base64 of user:token>' (curl -U x:TOKEN)");
        }
        String pair;
        try {
            pair = new String(
                    Base64.getDecoder().decode(value.substring(BASIC.length()).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Proxy-Authorization: Basic is not valid base64");
        }
        int colon = pair.indexOf(':');
        if (colon < 0 || colon == pair.length() - 1) {
            throw new IllegalArgumentException(
                    "Proxy-Authorization: Basic must carry 'user:token' with the token as the password");
        }
        String user = pair.substring(0, colon);
        String password = pair.substring(colon + 1);
        if (localTokens || password.startsWith(ISSUED_TOKEN_PREFIX) || password.indexOf('.') >= 0) {
            return new ProxyCredentials(BEARER + password, user.isEmpty() ? null : user);
        }
        return new ProxyCredentials(value, user);
    }
}
