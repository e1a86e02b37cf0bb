package dev.porthole.gateway.policy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The visitor's side of an OIDC login at the edge: a request without a login is sent to the
 * issuer (state, nonce and PKCE verifier kept in the sealed cookie, never on the server, so that
 * any gateway of a cluster can take the callback); the issuer sends the browser back to
 * {@link #CALLBACK}, where the code is exchanged and the visitor checked against the policy; a
 * request with a login passes with the identity the gateway then hands upstream.
 */
final class OidcFlow {

    /** The path on every protected tunnel's host where the issuer sends the visitor back; never reaches the agent. */
    static final String CALLBACK = "/.porthole/oidc/callback";

    static final Duration LOGIN_TIME = Duration.ofMinutes(10);
    /** Longer return paths are not kept through the login (the visitor lands on {@code /}). */
    static final int MAX_RETURN_PATH = 2048;

    private final OidcCookie cookies;
    private final Duration session;
    private final Duration timeout;
    private final boolean trustForwarded;
    private final SecureRandom random = new SecureRandom();

    OidcFlow(OidcCookie cookies, Duration session, Duration timeout, boolean trustForwarded) {
        this.cookies = cookies;
        this.session = session;
        this.timeout = timeout;
        this.trustForwarded = trustForwarded;
    }

    /** Admitted (with the user and e-mail), a redirect, or a refusal; refusals are not yet counted. */
    Future<PolicyDecision> decide(HttpServerRequest request, OidcLogin login, String tunnel, boolean fromPeer) {
        boolean secure = "https".equals(scheme(request, fromPeer));
        JsonObject cookie = cookies.open(request.headers().getAll("Cookie"), tunnel, login.binding())
                .orElse(null);
        if (CALLBACK.equals(request.path())) {
            return callback(request, login, tunnel, fromPeer, secure, cookie);
        }
        if (cookie != null && "session".equals(cookie.getString("t"))) {
            return Future.succeededFuture(new PolicyDecision.Admitted(
                    PolicyRule.OIDC.label(), cookie.getString("u", ""), cookie.getString("e", ""), null));
        }
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            return Future.succeededFuture(refusal(
                    401,
                    "policy-oidc",
                    "Unauthorized",
                    "Tunnel '" + tunnel + "' asks visitors to log in at " + login.issuer()
                            + ": open it in a browser first.",
                    null));
        }
        String state = token();
        String nonce = token();
        String verifier = token();
        String path = request.uri();
        String returnTo =
                path != null && path.startsWith("/") && !path.startsWith("//") && path.length() <= MAX_RETURN_PATH
                        ? path
                        : "/";
        String sealed = cookies.seal(
                tunnel,
                login.binding(),
                new JsonObject()
                        .put("t", "login")
                        .put("s", state)
                        .put("n", nonce)
                        .put("v", verifier)
                        .put("r", returnTo),
                LOGIN_TIME,
                secure);
        return Future.succeededFuture(new PolicyDecision.Redirect(
                login.authorizeUrl(redirectUri(request, fromPeer), state, nonce, challenge(verifier)), sealed));
    }

    private Future<PolicyDecision> callback(
            HttpServerRequest request,
            OidcLogin login,
            String tunnel,
            boolean fromPeer,
            boolean secure,
            JsonObject cookie) {
        String error = request.getParam("error");
        if (error != null) {
            return Future.succeededFuture(refusal(
                    401,
                    "policy-oidc",
                    "Unauthorized",
                    "The identity provider did not log you in (" + error.substring(0, Math.min(error.length(), 100))
                            + ").",
                    cookies.clear(secure)));
        }
        String state = request.getParam("state");
        String code = request.getParam("code");
        if (cookie == null
                || !"login".equals(cookie.getString("t"))
                || state == null
                || code == null
                || !MessageDigest.isEqual(
                        state.getBytes(StandardCharsets.UTF_8),
                        cookie.getString("s", "").getBytes(StandardCharsets.UTF_8))) {
            return Future.succeededFuture(refusal(
                    400,
                    "policy-oidc-state",
                    "Bad Request",
                    "This login expired or was started in another"
                            + " browser or tab; open the page you wanted again to log in.",
                    null));
        }
        return login.exchange(
                        code, redirectUri(request, fromPeer), cookie.getString("v", ""), cookie.getString("n", ""))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .map(claims -> {
                    String refused = login.refusal(claims);
                    if (refused != null) {
                        return refusal(
                                403,
                                "policy-oidc",
                                "Forbidden",
                                "You logged in, but " + refused + ".",
                                cookies.clear(secure));
                    }
                    String sealed = cookies.seal(
                            tunnel,
                            login.binding(),
                            new JsonObject()
                                    .put("t", "session")
                                    .put("u", claims.getString("sub", ""))
                                    .put("e", OidcLogin.email(claims)),
                            session,
                            secure);
                    return (PolicyDecision) new PolicyDecision.Redirect(cookie.getString("r", "/"), sealed);
                })
                .recover(e -> Future.succeededFuture(
                        unreachable(e)
                                ? refusal(
                                        502,
                                        "policy-oidc-unreachable",
                                        "Bad Gateway",
                                        "The identity provider at " + login.issuer()
                                                + " could not be reached to finish your login; try again in a moment.",
                                        null)
                                : refusal(
                                        401,
                                        "policy-oidc",
                                        "Unauthorized",
                                        "The identity provider's answer did not check out (" + e.getMessage()
                                                + "); open the page again to log in.",
                                        cookies.clear(secure))));
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException
                    || t instanceof TimeoutException
                    || t instanceof io.vertx.core.http.HttpClosedException
                    || String.valueOf(t.getMessage())
                            .toLowerCase(java.util.Locale.ROOT)
                            .contains("timeout")) {
                return true;
            }
        }
        return false;
    }

    private static PolicyDecision.Refused refusal(
            int status, String code, String title, String detail, String setCookie) {
        return new PolicyDecision.Refused(
                PolicyRule.OIDC,
                status,
                code,
                title,
                detail,
                setCookie == null
                        ? Map.of("Cache-Control", "no-store")
                        : Map.of("Cache-Control", "no-store", "Set-Cookie", setCookie));
    }

    /** The callback URL on the host the visitor used (register it at the issuer). */
    private String redirectUri(HttpServerRequest request, boolean fromPeer) {
        String host = fromPeer && request.getHeader("X-Forwarded-Host") != null
                ? request.getHeader("X-Forwarded-Host")
                : request.authority() == null ? "" : request.authority().toString();
        return scheme(request, fromPeer) + "://" + host.toLowerCase(java.util.Locale.ROOT) + CALLBACK;
    }

    private String scheme(HttpServerRequest request, boolean fromPeer) {
        String forwarded = (fromPeer || trustForwarded) ? request.getHeader("X-Forwarded-Proto") : null;
        if (forwarded != null) {
            String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
            return "https".equalsIgnoreCase(last) ? "https" : "http";
        }
        return request.isSSL() ? "https" : "http";
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
