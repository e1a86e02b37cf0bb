package dev.porthole.gateway.policy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;

/**
 * GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>} (GitHub's "Validating
 * webhook deliveries"). GitHub signs no timestamp, so a captured delivery can be replayed; that is
 * GitHub's design, and the receiver is to use {@code X-GitHub-Delivery} to spot repeats.
 */
record GithubSignature(byte[] secret) implements WebhookSignature {

    static final String HEADER = "X-Hub-Signature-256";

    @Override
    public String problem(MultiMap headers, Buffer body, Instant now) {
        String presented = headers.get(HEADER);
        if (presented == null) {
            return "no " + HEADER + " header";
        }
        return WebhookSignature.matches("sha256=" + WebhookSignature.hmacHex(secret, "", body), presented)
                ? null
                : "wrong " + HEADER;
    }
}
