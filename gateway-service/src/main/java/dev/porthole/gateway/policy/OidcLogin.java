package dev.porthole.gateway.policy;

import dev.porthole.protocol.message.TunnelPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The OIDC rule: who the issuer says the visitor is, and whether the policy lets them in. The
 * protocol work (discovery, the authorization URL, the code exchange with the PKCE verifier and
 * the client secret, the id_token's signature, issuer, audience and expiry against the issuer's
 * JWKS) is Vert.x's OAuth2 client ({@code vertx-auth-oauth2}); this class adds the nonce check and
 * the policy's e-mail domains and claims.
 */
final class OidcLogin {

    static final int MAX_DOMAINS = 32;
    static final int MAX_CLAIMS = 32;
    private static final Pattern DOMAIN = Pattern.compile(
            "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$");
    private static final Pattern CLAIM = Pattern.compile("^[A-Za-z0-9_.:-]{1,64}=.{1,256}$");

    private final TunnelPolicy.Oidc settings;
    private final List<String> domains;
    private volatile OAuth2Auth client;

    private OidcLogin(TunnelPolicy.Oidc settings) {
        this.settings = settings;
        this.domains = settings.allowDomains().stream()
                .map(d -> d.toLowerCase(Locale.ROOT))
                .toList();
    }

    /** The rule (not yet discovered), or null without a login; each bad setting is added to {@code problems}, never the secret. */
    static OidcLogin of(TunnelPolicy.Oidc oidc, boolean allowHttp, List<String> problems) {
        if (!oidc.enabled()) {
            return null;
        }
        int before = problems.size();
        String issuer = oidc.issuer();
        try {
            URI uri = new URI(issuer);
            boolean https = "https".equalsIgnoreCase(uri.getScheme());
            boolean http = "http".equalsIgnoreCase(uri.getScheme());
            if (uri.getHost() == null
                    || !(https || (http && allowHttp))
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                problems.add("oidc-issuer '" + issuer + "' must be an " + (allowHttp ? "http(s)" : "https")
                        + " URL without query or fragment, such as " + "https://accounts.google.com");
            }
        } catch (URISyntaxException e) {
            problems.add("oidc-issuer '" + issuer + "' is not a URL such as https://accounts.google.com");
        }
        if (oidc.clientId().isBlank()) {
            problems.add("oidc-client-id is missing: register a client at the issuer and pass its id");
        }
        if (oidc.allowDomains().size() > MAX_DOMAINS || oidc.allowClaims().size() > MAX_CLAIMS) {
            problems.add("oidc: at most " + MAX_DOMAINS + " allowed domains and " + MAX_CLAIMS + " allowed claims");
        }
        for (String domain : oidc.allowDomains()) {
            if (!DOMAIN.matcher(domain.toLowerCase(Locale.ROOT)).matches()) {
                problems.add("oidc-allow-domain '" + domain + "' is not a domain such as example.com");
            }
        }
        for (String claim : oidc.allowClaims()) {
            if (!CLAIM.matcher(claim).matches()) {
                problems.add("oidc-allow-claim '" + claim + "' is not a claim=value pair such as groups=admins");
            }
        }
        return problems.size() == before ? new OidcLogin(oidc) : null;
    }

    /**
     * Reads the issuer's discovery document and keys within {@code timeout}; fails with a sentence for
     * the agent when the issuer cannot be reached. Each later request to the issuer (a login's code
     * exchange) may take {@code requestTimeout} to connect and between reads, on a fresh connection:
     * logins are rare, and a pooled connection the issuer closed meanwhile would fail one.
     */
    Future<Void> discover(Vertx vertx, Duration timeout, Duration requestTimeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
        OAuth2Options options = new OAuth2Options()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setSite(settings.issuer())
                .setClientId(settings.clientId())
                .setHttpClientOptions(new HttpClientOptions()
                        .setKeepAlive(false)
                        .setConnectTimeout(millis)
                        .setIdleTimeout(millis)
                        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS));
        if (!settings.clientSecret().isEmpty()) {
            options.setClientSecret(settings.clientSecret());
        }
        return OpenIDConnectAuth.discover(vertx, options)
                .timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .<Void>map(found -> {
                    client = found;
                    return null;
                })
                .recover(e -> Future.failedFuture(new InvalidPolicyException(List.of("oidc-issuer '" + settings.issuer()
                        + "' could not be discovered (" + e.getMessage()
                        + "); check the URL and that the gateway can reach "
                        + settings.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration"))));
    }

    /** Binds cookies to this login: a cookie made for another issuer or client does not open. */
    String binding() {
        return settings.issuer() + "\u0000" + settings.clientId();
    }

    String issuer() {
        return settings.issuer();
    }

    /** Where the visitor is sent to log in. */
    String authorizeUrl(String redirectUri, String state, String nonce, String challenge) {
        return client.authorizeURL(new OAuth2AuthorizationURL()
                .setRedirectUri(redirectUri)
                .setScopes(List.of("openid", "email", "profile"))
                .setState(state)
                .putAdditionalParameter("nonce", nonce)
                .putAdditionalParameter("code_challenge", challenge)
                .putAdditionalParameter("code_challenge_method", "S256"));
    }

    /** Exchanges the code (with the PKCE verifier and the client secret) for a checked id_token, and checks its nonce. */
    Future<JsonObject> exchange(String code, String redirectUri, String verifier, String nonce) {
        return client.authenticate(new Oauth2Credentials()
                        .setFlow(OAuth2FlowType.AUTH_CODE)
                        .setCode(code)
                        .setRedirectUri(redirectUri)
                        .setCodeVerifier(verifier))
                .compose(user -> {
                    JsonObject claims = user.attributes().getJsonObject("idToken");
                    if (claims == null) {
                        return Future.failedFuture(new IllegalStateException("the issuer returned no id_token"));
                    }
                    if (!nonce.equals(claims.getString("nonce"))) {
                        return Future.failedFuture(
                                new IllegalStateException("the id_token's nonce is not this login's"));
                    }
                    return Future.succeededFuture(claims);
                });
    }

    /** Why the policy turns this visitor away, or null when it lets them in. */
    String refusal(JsonObject claims) {
        if (!domains.isEmpty()) {
            String email = email(claims);
            int at = email.lastIndexOf('@');
            if (at < 0 || !domains.contains(email.substring(at + 1).toLowerCase(Locale.ROOT))) {
                return "this tunnel admits verified e-mail addresses of " + String.join(", ", domains) + " only"
                        + (email.isEmpty() ? "; the issuer gave none" : "; you are " + email);
            }
        }
        if (!settings.allowClaims().isEmpty()
                && settings.allowClaims().stream().noneMatch(pair -> hasClaim(claims, pair))) {
            return "your account lacks the claim this tunnel asks for";
        }
        return null;
    }

    /** The visitor's verified e-mail address, or empty. */
    static String email(JsonObject claims) {
        Object verified = claims.getValue("email_verified");
        String email = claims.getValue("email") instanceof String s ? s : "";
        return Boolean.FALSE.equals(verified) || "false".equals(verified) ? "" : email;
    }

    private static boolean hasClaim(JsonObject claims, String pair) {
        int eq = pair.indexOf('=');
        Object value = claims.getValue(pair.substring(0, eq));
        String wanted = pair.substring(eq + 1);
        if (value instanceof JsonArray array) {
            return array.stream().anyMatch(v -> wanted.equals(String.valueOf(v)));
        }
        return value != null && wanted.equals(String.valueOf(value));
    }

    void close() {
        OAuth2Auth current = client;
        if (current != null) {
            current.close();
        }
    }
}
