package dev.porthole.agent.login;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code porthole login} saved: a gateway, either a token or client credentials for it, and
 * how to check its TLS certificate when that was given at login ({@code --ca}, {@code --pin};
 * never {@code --insecure}, which must be asked for each time).
 *
 * @param server the gateway URL the credentials are for; they are never sent to another
 * @param token a token or JWT, or null
 * @param clientId the client id of client credentials, or null
 * @param clientSecret the client secret, or null
 * @param caFile the absolute path of the CA file given at login, or null
 * @param pins the public-key pins given at login, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SavedLogin(
        String server, String token, String clientId, String clientSecret, String caFile, List<String> pins) {

    public SavedLogin {
        pins = pins == null || pins.isEmpty() ? null : List.copyOf(pins);
    }

    public static SavedLogin token(String server, String token) {
        return new SavedLogin(server, token, null, null, null, null);
    }

    public static SavedLogin clientCredentials(String server, String clientId, String clientSecret) {
        return new SavedLogin(server, null, clientId, clientSecret, null, null);
    }

    /** The same login with the gateway's CA file and pins to check its certificate by. */
    public SavedLogin withTrust(String caFile, List<String> pins) {
        return new SavedLogin(server, token, clientId, clientSecret, caFile, pins);
    }

    /** Whether these credentials belong to {@code url} (compared without a trailing slash). */
    public boolean isFor(String url) {
        return url != null && strip(url).equalsIgnoreCase(strip(server));
    }

    private static String strip(String url) {
        return url.trim().replaceAll("/+$", "");
    }
}
