package dev.porthole.gateway.policy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** One provider's way of signing a webhook body with a shared secret (HMAC-SHA256 for all four kinds here). */
interface WebhookSignature {

    /** Null when the request carries a valid signature; else why not, in a few words for the visitor and the log. */
    String problem(MultiMap headers, Buffer body, Instant now);

    /** The hex HMAC-SHA256 of {@code prefix} followed by {@code body} under {@code secret}. */
    static String hmacHex(byte[] secret, String prefix, Buffer body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            mac.update(body.getBytes());
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** Compares a presented signature with the expected one in constant time (case of hex digits ignored). */
    static boolean matches(String expected, String presented) {
        return presented != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII),
                        presented.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
