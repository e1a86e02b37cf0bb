package dev.porthole.gateway.policy;

/**
 * The rules of an edge policy, in the order the gateway applies them: the cheap checks that need
 * only the connection come first, so that a refused visitor costs as little as possible and an
 * address that is denied never reaches a password check. The OIDC login comes after basic auth
 * (a policy has one or the other) and before the webhook check, which needs the body, the most
 * expensive input.
 */
public enum PolicyRule {
    /** {@code allow-cidr} / {@code deny-cidr} against the visitor's address. */
    IP("ip"),
    /** Requests per visitor address. */
    RATE_LIMIT("rate-limit"),
    /** {@code Authorization: Basic} against the policy's users. */
    BASIC_AUTH("basic-auth"),
    /** A login at an OpenID Connect issuer, kept in a sealed cookie. */
    OIDC("oidc"),
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
