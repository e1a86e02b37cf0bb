package dev.porthole.gateway.policy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;

/**
 * Stripe: {@code Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=...]}
 * (Stripe's "Verify webhook signatures"; several {@code v1} while a secret is rolled, and {@code v0}
 * is a test scheme that is ignored). A timestamp further than the tolerance from now is a replay.
 */
record StripeSignature(byte[] secret, Duration tolerance) implements WebhookSignature {

    static final String HEADER = "Stripe-Signature";

    @Override
    public String problem(MultiMap headers, Buffer body, Instant now) {
        String value = headers.get(HEADER);
        if (value == null) {
            return "no " + HEADER + " header";
        }
        String timestamp = null;
        boolean anySignature = false;
        for (String item : value.split(",")) {
            String trimmed = item.trim();
            if (trimmed.startsWith("t=") && timestamp == null) {
                timestamp = trimmed.substring(2);
            }
        }
        Long seconds = Timestamps.seconds(timestamp);
        if (seconds == null) {
            return HEADER + " has no timestamp t=";
        }
        if (!Timestamps.within(seconds, now, tolerance)) {
            return HEADER + " is outside the " + tolerance.toSeconds() + " s tolerance (a replay or a wrong clock)";
        }
        String expected = WebhookSignature.hmacHex(secret, timestamp + ".", body);
        boolean valid = false;
        for (String item : value.split(",")) {
            String trimmed = item.trim();
            if (trimmed.startsWith("v1=")) {
                anySignature = true;
                // No early exit: every v1 is compared.
                valid |= WebhookSignature.matches(expected, trimmed.substring(3));
            }
        }
        return valid ? null : anySignature ? "wrong " + HEADER : HEADER + " has no v1= signature";
    }
}
