package dev.porthole.agent.policy;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.TunnelPolicy;
import io.quarkus.elytron.security.common.BcryptUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A tunnel's edge policy as a user writes it, with {@code porthole http} flags or in a
 * {@code policy:} block of porthole.yml (same names, same values), and how it becomes the
 * {@link TunnelPolicy} the gateway enforces. The agent checks the shapes it can ({@code USER:PASSWORD},
 * {@code KIND:SECRET}, {@code NAME:VALUE}) and hashes each password with bcrypt, so that no password
 * leaves this process; the gateway checks the rest (CIDRs, the rate, header names) and refuses the
 * tunnel naming each bad rule.
 *
 * @param basicAuth {@code USER:PASSWORD}, one per user
 * @param allowCidr ranges visitors must come from
 * @param denyCidr ranges visitors must not come from
 * @param verifyWebhook {@code github:SECRET}, {@code stripe:SECRET}, {@code slack:SECRET} or {@code hmac-sha256:HEADER:SECRET}
 * @param requestHeaderAdd {@code NAME:VALUE} set on requests
 * @param requestHeaderRemove names removed from requests
 * @param responseHeaderAdd {@code NAME:VALUE} set on responses
 * @param responseHeaderRemove names removed from responses
 * @param rateLimit requests per visitor, such as {@code 100/min}; null or empty for none
 * @param oidcIssuer visitors log in at this OpenID Connect issuer; null or empty for no login
 * @param oidcClientId the client registered at the issuer
 * @param oidcClientSecret that client's secret (sent to the gateway, which needs it for the token request)
 * @param oidcAllowDomain e-mail domains admitted after the login (none: any account of the issuer)
 * @param oidcAllowClaim {@code claim=value} pairs admitted after the login
 */
public record PolicyInput(
        List<String> basicAuth,
        List<String> allowCidr,
        List<String> denyCidr,
        List<String> verifyWebhook,
        List<String> requestHeaderAdd,
        List<String> requestHeaderRemove,
        List<String> responseHeaderAdd,
        List<String> responseHeaderRemove,
        String rateLimit,
        String oidcIssuer,
        String oidcClientId,
        String oidcClientSecret,
        List<String> oidcAllowDomain,
        List<String> oidcAllowClaim) {

    /** The keys of a {@code policy:} block, as the flags are named without their dashes. */
    public static final List<String> KEYS = List.of(
            "basic-auth",
            "allow-cidr",
            "deny-cidr",
            "verify-webhook",
            "request-header-add",
            "request-header-remove",
            "response-header-add",
            "response-header-remove",
            "rate-limit",
            "oidc-issuer",
            "oidc-client-id",
            "oidc-client-secret",
            "oidc-allow-domain",
            "oidc-allow-claim");
    /** The keys that take one value. */
    public static final List<String> SINGLE =
            List.of("rate-limit", "oidc-issuer", "oidc-client-id", "oidc-client-secret");

    /** bcrypt cost of the hashes sent; the gateway takes 4 to 12 and checks each presented password once. */
    static final int BCRYPT_COST = 10;

    public PolicyInput {
        basicAuth = orEmpty(basicAuth);
        allowCidr = orEmpty(allowCidr);
        denyCidr = orEmpty(denyCidr);
        verifyWebhook = orEmpty(verifyWebhook);
        requestHeaderAdd = orEmpty(requestHeaderAdd);
        requestHeaderRemove = orEmpty(requestHeaderRemove);
        responseHeaderAdd = orEmpty(responseHeaderAdd);
        responseHeaderRemove = orEmpty(responseHeaderRemove);
        rateLimit = rateLimit == null ? "" : rateLimit.trim();
        oidcIssuer = oidcIssuer == null ? "" : oidcIssuer.trim();
        oidcClientId = oidcClientId == null ? "" : oidcClientId.trim();
        oidcClientSecret = oidcClientSecret == null ? "" : oidcClientSecret;
        oidcAllowDomain = orEmpty(oidcAllowDomain);
        oidcAllowClaim = orEmpty(oidcAllowClaim);
    }

    @Override
    public String toString() {
        return "PolicyInput[rules=" + (isEmpty() ? "none" : "(hidden: passwords and secrets)") + "]";
    }

    /**
     * The policy to send, passwords hashed.
     *
     * @param key turns a rule's name ({@code basic-auth}) into how the user wrote it: {@code --basic-auth} or {@code policy.basic-auth}
     * @throws IllegalArgumentException naming the rule and what is wrong, never quoting a password or secret
     */
    public TunnelPolicy toPolicy(UnaryOperator<String> key) {
        List<TunnelPolicy.BasicAuthUser> users = new ArrayList<>();
        for (String entry : basicAuth) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException(key.apply("basic-auth") + " takes USER:PASSWORD, both non-empty");
            }
            users.add(new TunnelPolicy.BasicAuthUser(
                    entry.substring(0, colon), BcryptUtil.bcryptHash(entry.substring(colon + 1), BCRYPT_COST)));
        }
        List<TunnelPolicy.Webhook> webhooks = new ArrayList<>();
        for (String entry : verifyWebhook) {
            webhooks.add(webhook(entry, key));
        }
        TunnelPolicy policy = new TunnelPolicy(
                users,
                allowCidr,
                denyCidr,
                webhooks,
                headers(requestHeaderAdd, key.apply("request-header-add")),
                requestHeaderRemove,
                headers(responseHeaderAdd, key.apply("response-header-add")),
                responseHeaderRemove,
                rateLimit);
        return oidc(key).map(policy::withOidc).orElse(policy);
    }

    /** The OIDC login, if any; the gateway checks the issuer URL, domains and claims. */
    private java.util.Optional<TunnelPolicy.Oidc> oidc(UnaryOperator<String> key) {
        boolean rest = !oidcClientId.isEmpty()
                || !oidcClientSecret.isEmpty()
                || !oidcAllowDomain.isEmpty()
                || !oidcAllowClaim.isEmpty();
        if (oidcIssuer.isEmpty()) {
            if (rest) {
                throw new IllegalArgumentException(key.apply("oidc-client-id") + ", " + key.apply("oidc-client-secret")
                        + " and the allow rules need " + key.apply("oidc-issuer") + " URL");
            }
            return java.util.Optional.empty();
        }
        if (oidcClientId.isEmpty()) {
            throw new IllegalArgumentException(key.apply("oidc-issuer") + " needs " + key.apply("oidc-client-id")
                    + " (and usually " + key.apply("oidc-client-secret")
                    + "): register a client at the issuer with the redirect URI "
                    + "https://<tunnel host>/.porthole/oidc/callback");
        }
        return java.util.Optional.of(
                new TunnelPolicy.Oidc(oidcIssuer, oidcClientId, oidcClientSecret, oidcAllowDomain, oidcAllowClaim));
    }

    private static TunnelPolicy.Webhook webhook(String entry, UnaryOperator<String> key) {
        int colon = entry.indexOf(':');
        String kind = colon < 0 ? entry : entry.substring(0, colon).toLowerCase(Locale.ROOT);
        if (colon <= 0) {
            throw new IllegalArgumentException(key.apply("verify-webhook")
                    + " takes KIND:SECRET (github, stripe, slack) or hmac-sha256:HEADER:SECRET");
        }
        String rest = entry.substring(colon + 1);
        if (kind.equals("hmac-sha256")) {
            int second = rest.indexOf(':');
            if (second <= 0 || second == rest.length() - 1) {
                throw new IllegalArgumentException(
                        key.apply("verify-webhook") + " hmac-sha256 takes hmac-sha256:HEADER:SECRET");
            }
            return new TunnelPolicy.Webhook(kind, rest.substring(0, second), rest.substring(second + 1));
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(
                    key.apply("verify-webhook") + " " + kind + " needs the signing secret: " + kind + ":SECRET");
        }
        return new TunnelPolicy.Webhook(kind, "", rest);
    }

    private static List<Header> headers(List<String> entries, String key) {
        List<Header> headers = new ArrayList<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(key + " takes NAME:VALUE, was '" + entry + "'");
            }
            headers.add(new Header(
                    entry.substring(0, colon).trim(), entry.substring(colon + 1).trim()));
        }
        return headers;
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : List.copyOf(values);
    }

    /** Whether no rule is given. */
    public boolean isEmpty() {
        return basicAuth.isEmpty()
                && allowCidr.isEmpty()
                && denyCidr.isEmpty()
                && verifyWebhook.isEmpty()
                && requestHeaderAdd.isEmpty()
                && requestHeaderRemove.isEmpty()
                && responseHeaderAdd.isEmpty()
                && responseHeaderRemove.isEmpty()
                && rateLimit.isEmpty()
                && oidcIssuer.isEmpty()
                && oidcClientId.isEmpty()
                && oidcClientSecret.isEmpty()
                && oidcAllowDomain.isEmpty()
                && oidcAllowClaim.isEmpty();
    }
}
