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
 */
public record PolicyInput(List<String> basicAuth, List<String> allowCidr, List<String> denyCidr, List<String> verifyWebhook,
        List<String> requestHeaderAdd, List<String> requestHeaderRemove, List<String> responseHeaderAdd, List<String> responseHeaderRemove,
        String rateLimit) {

    /** The keys of a {@code policy:} block, as the flags are named without their dashes. */
    public static final List<String> KEYS = List.of("basic-auth", "allow-cidr", "deny-cidr", "verify-webhook", "request-header-add",
            "request-header-remove", "response-header-add", "response-header-remove", "rate-limit");

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
            users.add(new TunnelPolicy.BasicAuthUser(entry.substring(0, colon), BcryptUtil.bcryptHash(entry.substring(colon + 1), BCRYPT_COST)));
        }
        List<TunnelPolicy.Webhook> webhooks = new ArrayList<>();
        for (String entry : verifyWebhook) {
            webhooks.add(webhook(entry, key));
        }
        return new TunnelPolicy(users, allowCidr, denyCidr, webhooks, headers(requestHeaderAdd, key.apply("request-header-add")), requestHeaderRemove,
                headers(responseHeaderAdd, key.apply("response-header-add")), responseHeaderRemove, rateLimit);
    }

    private static TunnelPolicy.Webhook webhook(String entry, UnaryOperator<String> key) {
        int colon = entry.indexOf(':');
        String kind = colon < 0 ? entry : entry.substring(0, colon).toLowerCase(Locale.ROOT);
        if (colon <= 0) {
            throw new IllegalArgumentException(key.apply("verify-webhook") + " takes KIND:SECRET (github, stripe, slack) or hmac-sha256:HEADER:SECRET");
        }
        String rest = entry.substring(colon + 1);
        if (kind.equals("hmac-sha256")) {
            int second = rest.indexOf(':');
            if (second <= 0 || second == rest.length() - 1) {
                throw new IllegalArgumentException(key.apply("verify-webhook") + " hmac-sha256 takes hmac-sha256:HEADER:SECRET");
            }
            return new TunnelPolicy.Webhook(kind, rest.substring(0, second), rest.substring(second + 1));
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(key.apply("verify-webhook") + " " + kind + " needs the signing secret: " + kind + ":SECRET");
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
            headers.add(new Header(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim()));
        }
        return headers;
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : List.copyOf(values);
    }

    /** Whether no rule is given. */
    public boolean isEmpty() {
        return basicAuth.isEmpty() && allowCidr.isEmpty() && denyCidr.isEmpty() && verifyWebhook.isEmpty() && requestHeaderAdd.isEmpty()
                && requestHeaderRemove.isEmpty() && responseHeaderAdd.isEmpty() && responseHeaderRemove.isEmpty() && rateLimit.isEmpty();
    }
}
