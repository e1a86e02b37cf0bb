package dev.porthole.gateway.policy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;

/**
 * Slack: {@code X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">} with the
 * timestamp in {@code X-Slack-Request-Timestamp} (Slack's "Verifying requests from Slack"); a
 * timestamp further than the tolerance (Slack says five minutes) from now is a replay.
 */
record SlackSignature(byte[] secret, Duration tolerance) implements WebhookSignature {

    static final String HEADER = "X-Slack-Signature";
    static final String TIMESTAMP = "X-Slack-Request-Timestamp";

    @Override
    public String problem(MultiMap headers, Buffer body, Instant now) {
        String presented = headers.get(HEADER);
        String timestamp = headers.get(TIMESTAMP);
        if (presented == null || timestamp == null) {
            return "no " + (presented == null ? HEADER : TIMESTAMP) + " header";
        }
        Long seconds = Timestamps.seconds(timestamp.trim());
        if (seconds == null) {
            return TIMESTAMP + " is not a number of seconds";
        }
        if (!Timestamps.within(seconds, now, tolerance)) {
            return TIMESTAMP + " is outside the " + tolerance.toSeconds() + " s tolerance (a replay or a wrong clock)";
        }
        return WebhookSignature.matches(
                        "v0=" + WebhookSignature.hmacHex(secret, "v0:" + timestamp.trim() + ":", body), presented)
                ? null
                : "wrong " + HEADER;
    }
}
