package dev.porthole.gateway.policy;

/**
 * The rules of an edge policy, in the order the gateway applies them: the cheap checks that need
 * only the connection come first, so that a refused visitor costs as little as possible and an
 * address that is denied never reaches a password check. An OIDC login will slot in after basic
 * auth and before the webhook check (both establish who the visitor is; the webhook check needs
 * the body, the most expensive input).
 */
public enum PolicyRule {
    /** {@code allow-cidr} / {@code deny-cidr} against the visitor's address. */
    IP("ip"),
    /** Requests per visitor address. */
    RATE_LIMIT("rate-limit"),
    /** {@code Authorization: Basic} against the policy's users. */
    BASIC_AUTH("basic-auth"),
    /** A provider's signature over the body. */
    WEBHOOK("webhook"),
    /** Headers added and removed both ways; never refuses. */
    HEADERS("headers");

    private final String label;

    PolicyRule(String label) {
        this.label = label;
    }

    /** The name in metrics, events and the {@code X-Porthole-Policy} header. */
    public String label() {
        return label;
    }
}
