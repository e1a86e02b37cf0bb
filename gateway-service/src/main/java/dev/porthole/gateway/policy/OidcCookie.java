package dev.porthole.gateway.policy;

import dev.porthole.gateway.crypto.AesGcm;
import dev.porthole.protocol.message.Header;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The OIDC login's cookie: its content (the login under way, or the logged-in visitor) encrypted
 * and authenticated with AES-256-GCM, so a visitor can neither read nor change it. The tunnel's
 * host, issuer and client are the associated data: a cookie made for one tunnel's host fails to
 * open on any other (and it is host-only, without a {@code Domain}, so browsers do not send it
 * there anyway). The key is derived from {@code PORTHOLE_INTERNAL_TOKEN}, which every gateway of a
 * cluster shares, so a login holds whichever gateway serves the tunnel next; without that token
 * (a single gateway) it is random per process and logins end with a restart.
 */
final class OidcCookie {

    /** The cookie's name; the gateway removes it from requests before they reach the agent. */
    static final String NAME = "porthole_oidc";
    /** Larger values are not ours: refused before any decryption. */
    static final int MAX_LENGTH = 4096;

    private static final byte[] NO_PREFIX = {};

    private final AesGcm cipher;

    OidcCookie(Optional<String> sharedSecret) {
        byte[] material = new byte[32];
        if (sharedSecret.filter(s -> !s.isBlank()).isPresent()) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(sharedSecret.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                material = mac.doFinal("porthole oidc cookie key v1".getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
            }
        } else {
            new SecureRandom().nextBytes(material);
        }
        this.cipher = new AesGcm(material);
    }

    /** The {@code Set-Cookie} value carrying {@code content} (with its expiry added) for this host and login. */
    String seal(String host, String binding, JsonObject content, Duration lifetime, boolean secure) {
        JsonObject withExpiry =
                content.copy().put("exp", Instant.now().plus(lifetime).getEpochSecond());
        byte[] sealed = cipher.seal(
                NO_PREFIX, associated(host, binding), withExpiry.encode().getBytes(StandardCharsets.UTF_8));
        return cookie(Base64.getUrlEncoder().withoutPadding().encodeToString(sealed), lifetime.toSeconds(), secure);
    }

    /** The {@code Set-Cookie} value that removes the cookie. */
    String clear(boolean secure) {
        return cookie("", 0, secure);
    }

    /** The cookie's content if the visitor's {@code Cookie} header carries one made for this host and login and not expired; else empty. */
    Optional<JsonObject> open(List<String> cookieHeaders, String host, String binding) {
        for (String header : cookieHeaders) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (cookie.name().equals(NAME)) {
                    Optional<JsonObject> content = open(cookie.value(), host, binding);
                    if (content.isPresent()) {
                        return content;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The request's headers without this cookie: it is the gateway's, and would let the upstream replay the login. */
    static List<Header> withoutOurs(List<Header> headers) {
        List<Header> out = new java.util.ArrayList<>(headers.size());
        for (Header header : headers) {
            if (!header.name().equalsIgnoreCase("cookie")) {
                out.add(header);
                continue;
            }
            List<Cookie> kept = ServerCookieDecoder.LAX.decodeAll(header.value()).stream()
                    .filter(c -> !c.name().equals(NAME))
                    .toList();
            if (!kept.isEmpty()) {
                out.add(new Header(
                        header.name(), io.netty.handler.codec.http.cookie.ClientCookieEncoder.LAX.encode(kept)));
            }
        }
        return out;
    }

    private Optional<JsonObject> open(String value, String host, String binding) {
        if (value.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(value);
            JsonObject content = new JsonObject(
                    new String(cipher.open(bytes, 0, associated(host, binding)), StandardCharsets.UTF_8));
            return content.getLong("exp", 0L) > Instant.now().getEpochSecond()
                    ? Optional.of(content)
                    : Optional.empty();
        } catch (GeneralSecurityException | IllegalArgumentException | DecodeException | ClassCastException e) {
            // Forged, altered, made for another host or login, or under another key: no login.
            return Optional.empty();
        }
    }

    private static byte[] associated(String host, String binding) {
        return (host + "\u0000" + binding).getBytes(StandardCharsets.UTF_8);
    }

    private static String cookie(String value, long maxAge, boolean secure) {
        DefaultCookie cookie = new DefaultCookie(NAME, value);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSecure(secure);
        cookie.setMaxAge(maxAge);
        // Lax: the browser sends it on the issuer's redirect back (a top-level GET), not on cross-site subrequests.
        cookie.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Lax);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }
}
