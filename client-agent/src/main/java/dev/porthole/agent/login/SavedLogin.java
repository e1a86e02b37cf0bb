package dev.porthole.agent.login;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What {@code porthole login} saved: a gateway and either a token or client credentials for it.
 *
 * @param server the gateway URL the credentials are for; they are never sent to another
 * @param token a token or JWT, or null
 * @param clientId the client id of client credentials, or null
 * @param clientSecret the client secret, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SavedLogin(String server, String token, String clientId, String clientSecret) {

    public static SavedLogin token(String server, String token) {
        return new SavedLogin(server, token, null, null);
    }

    public static SavedLogin clientCredentials(String server, String clientId, String clientSecret) {
        return new SavedLogin(server, null, clientId, clientSecret);
    }

    /** Whether these credentials belong to {@code url} (compared without a trailing slash). */
    public boolean isFor(String url) {
        return url != null && strip(url).equalsIgnoreCase(strip(server));
    }

    private static String strip(String url) {
        return url.trim().replaceAll("/+$", "");
    }
}
