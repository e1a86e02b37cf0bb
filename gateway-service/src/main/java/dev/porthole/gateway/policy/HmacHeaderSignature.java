package dev.porthole.gateway.policy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;

/**
 * A generic HMAC: the named header carries the hex HMAC-SHA256 of the body, bare or after
 * {@code sha256=} (as many senders write it). No timestamp, so no replay protection.
 */
record HmacHeaderSignature(String header, byte[] secret) implements WebhookSignature {

    @Override
    public String problem(MultiMap headers, Buffer body, Instant now) {
        String presented = headers.get(header);
        if (presented == null) {
            return "no " + header + " header";
        }
        String value = presented.trim();
        if (value.regionMatches(true, 0, "sha256=", 0, 7)) {
            value = value.substring(7);
        }
        return WebhookSignature.matches(WebhookSignature.hmacHex(secret, "", body), value) ? null : "wrong " + header;
    }
}
