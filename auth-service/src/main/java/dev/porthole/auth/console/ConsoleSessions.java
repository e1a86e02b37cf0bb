package dev.porthole.auth.console;

import dev.porthole.auth.jwt.AdminJwtVerifier;
import dev.porthole.auth.repository.ConsoleLogoutRepository;
import dev.porthole.protocol.admin.AdminTokenKey;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.NewCookie;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Console sessions without server-side state: the session cookie holds the short-lived admin JWT
 * itself (HttpOnly, SameSite=Strict, Secure over https, path {@code /console}), verified on every
 * request like an API call's bearer token; it ends when the JWT expires or at logout (recorded in
 * Redis until the JWT's expiry, so a copy of the cookie stops working too). The CSRF token of a
 * session is an HMAC of its JWT under the admin-JWT key, so it changes with every login and
 * cannot be computed without that key.
 */
@ApplicationScoped
public class ConsoleSessions {

    /** Name of the session cookie. */
    public static final String COOKIE = "porthole_console";
    /** Name of the CSRF form field every state-changing form carries. */
    public static final String CSRF_FIELD = "csrf";

    private static final String PATH = "/console";
    private static final byte[] CSRF_LABEL = "porthole/console-csrf/v1:".getBytes(StandardCharsets.UTF_8);

    private final AdminJwtVerifier verifier;
    private final ConsoleLogoutRepository logouts;

    public ConsoleSessions(AdminJwtVerifier verifier, ConsoleLogoutRepository logouts) {
        this.verifier = verifier;
        this.logouts = logouts;
    }

    /** The cookie that opens a session holding {@code jwt} until {@code lifetime} has passed. */
    public NewCookie open(String jwt, Duration lifetime, boolean secure) {
        return cookie(jwt, (int) lifetime.toSeconds(), secure);
    }

    /**
     * Ends the session held in {@code cookieValue} on every instance (a copy of the cookie stops
     * working too) and answers the cookie that clears it in the browser.
     */
    public NewCookie close(String cookieValue, ConsoleSession session, boolean secure) {
        logouts.loggedOut(cookieValue, session.expiresAt());
        return cookie("", 0, secure);
    }

    /** The session a cookie value stands for: a valid, unexpired admin JWT with the admin role, not logged out. */
    public Uni<Optional<ConsoleSession>> read(String cookieValue) {
        Optional<ConsoleSession> session = verify(cookieValue);
        if (session.isEmpty()) {
            return Uni.createFrom().item(session);
        }
        return logouts.isLoggedOut(cookieValue).map(out -> out ? Optional.<ConsoleSession>empty() : session);
    }

    private Optional<ConsoleSession> verify(String cookieValue) {
        if (cookieValue == null || cookieValue.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonWebToken jwt = verifier.verify(cookieValue);
            if (!jwt.getGroups().contains(AdminTokenKey.ADMIN_ROLE)) {
                return Optional.empty();
            }
            String operator = jwt.getSubject() == null ? "admin" : jwt.getSubject();
            return Optional.of(new ConsoleSession(
                    operator, Instant.ofEpochSecond(jwt.getExpirationTime()), csrfToken(cookieValue)));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code presented} is the session's CSRF token (compared in constant time). */
    public static boolean csrfMatches(ConsoleSession session, String presented) {
        return presented != null
                && MessageDigest.isEqual(
                        session.csrfToken().getBytes(StandardCharsets.US_ASCII),
                        presented.getBytes(StandardCharsets.UTF_8));
    }

    private String csrfToken(String jwt) {
        SecretKey key = verifier.key().orElseThrow();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(CSRF_LABEL);
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(jwt.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static NewCookie cookie(String value, int maxAge, boolean secure) {
        return new NewCookie.Builder(COOKIE)
                .value(value)
                .path(PATH)
                .maxAge(maxAge)
                .expiry(maxAge == 0 ? new Date(0) : null)
                .httpOnly(true)
                .secure(secure)
                .sameSite(NewCookie.SameSite.STRICT)
                .build();
    }
}
