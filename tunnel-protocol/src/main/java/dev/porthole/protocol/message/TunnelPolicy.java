package dev.porthole.protocol.message;

import java.util.List;
import java.util.Objects;

/**
 * The edge policy an agent asks the gateway to enforce for one tunnel, as it travels in HELLO.
 * Every rule is kept as the agent wrote it (CIDRs, the rate, webhook kinds are text): the gateway
 * parses and validates them and refuses the tunnel with a sentence naming a bad rule, so the wire
 * never has to change for a new rule spelling. Basic-auth passwords travel only as bcrypt hashes;
 * webhook secrets cannot (an HMAC needs the secret itself) and are never printed ({@link #toString}).
 *
 * @param basicAuth visitors must present one of these users (empty: no basic auth)
 * @param allowCidrs when not empty, only visitors inside one of these IPv4/IPv6 ranges are served
 * @param denyCidrs visitors inside one of these ranges are refused
 * @param webhooks a request must carry a valid signature of one of these kinds (empty: no check)
 * @param requestHeaderAdd headers set on the request before it reaches the agent
 * @param requestHeaderRemove header names removed from the request
 * @param responseHeaderAdd headers set on the response before it reaches the visitor
 * @param responseHeaderRemove header names removed from the response
 * @param rateLimit requests per visitor address, for example {@code 100/min}; empty for none
 * @param oidc visitors must log in at this OpenID Connect issuer ({@link Oidc#NONE}: no login)
 */
public record TunnelPolicy(
        List<BasicAuthUser> basicAuth,
        List<String> allowCidrs,
        List<String> denyCidrs,
        List<Webhook> webhooks,
        List<Header> requestHeaderAdd,
        List<String> requestHeaderRemove,
        List<Header> responseHeaderAdd,
        List<String> responseHeaderRemove,
        String rateLimit,
        Oidc oidc) {

    /** No rule at all: every request is served as without a policy. */
    public static final TunnelPolicy NONE = new TunnelPolicy(
            List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), "");

    /** A policy without an OIDC login. */
    public TunnelPolicy(
            List<BasicAuthUser> basicAuth,
            List<String> allowCidrs,
            List<String> denyCidrs,
            List<Webhook> webhooks,
            List<Header> requestHeaderAdd,
            List<String> requestHeaderRemove,
            List<Header> responseHeaderAdd,
            List<String> responseHeaderRemove,
            String rateLimit) {
        this(
                basicAuth,
                allowCidrs,
                denyCidrs,
                webhooks,
                requestHeaderAdd,
                requestHeaderRemove,
                responseHeaderAdd,
                responseHeaderRemove,
                rateLimit,
                Oidc.NONE);
    }

    public TunnelPolicy {
        basicAuth = List.copyOf(basicAuth);
        allowCidrs = List.copyOf(allowCidrs);
        denyCidrs = List.copyOf(denyCidrs);
        webhooks = List.copyOf(webhooks);
        requestHeaderAdd = List.copyOf(requestHeaderAdd);
        requestHeaderRemove = List.copyOf(requestHeaderRemove);
        responseHeaderAdd = List.copyOf(responseHeaderAdd);
        responseHeaderRemove = List.copyOf(responseHeaderRemove);
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(oidc, "oidc");
    }

    /** This policy with an OIDC login. */
    public TunnelPolicy withOidc(Oidc login) {
        return new TunnelPolicy(
                basicAuth,
                allowCidrs,
                denyCidrs,
                webhooks,
                requestHeaderAdd,
                requestHeaderRemove,
                responseHeaderAdd,
                responseHeaderRemove,
                rateLimit,
                login);
    }

    /**
     * The rules in use, by name, without secrets or user names (for {@code porthole status}), for
     * example {@code basic-auth, allow-cidr, verify-webhook github, rate-limit 100/min}; empty for none.
     */
    public String summary() {
        List<String> parts = new java.util.ArrayList<>();
        if (!basicAuth.isEmpty()) {
            parts.add("basic-auth");
        }
        if (!allowCidrs.isEmpty()) {
            parts.add("allow-cidr");
        }
        if (!denyCidrs.isEmpty()) {
            parts.add("deny-cidr");
        }
        if (oidc.enabled()) {
            parts.add("oidc " + oidc.issuer());
        }
        if (!webhooks.isEmpty()) {
            parts.add("verify-webhook "
                    + String.join(" ", webhooks.stream().map(Webhook::kind).toList()));
        }
        if (!requestHeaderAdd.isEmpty()
                || !requestHeaderRemove.isEmpty()
                || !responseHeaderAdd.isEmpty()
                || !responseHeaderRemove.isEmpty()) {
            parts.add("header rules");
        }
        if (!rateLimit.isEmpty()) {
            parts.add("rate-limit " + rateLimit);
        }
        return String.join(", ", parts);
    }

    /** Whether no rule is set. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /**
     * One basic-auth user.
     *
     * @param user the user name
     * @param passwordHash the password's bcrypt hash in modular crypt format ({@code $2a$10$...})
     */
    public record BasicAuthUser(String user, String passwordHash) {
        public BasicAuthUser {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(passwordHash, "passwordHash");
        }

        @Override
        public String toString() {
            return "BasicAuthUser[user=" + user + ", passwordHash=(hidden)]";
        }
    }

    /**
     * One webhook signature check.
     *
     * @param kind {@code github}, {@code stripe}, {@code slack} or {@code hmac-sha256}
     * @param header the header carrying the signature ({@code hmac-sha256} only; empty otherwise)
     * @param secret the signing secret the provider shares with the receiver
     */
    public record Webhook(String kind, String header, String secret) {
        public Webhook {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Webhook[kind=" + kind + (header.isEmpty() ? "" : ", header=" + header) + ", secret=(hidden)]";
        }
    }

    /**
     * An OpenID Connect login the gateway asks of every visitor (authorization-code flow with PKCE).
     *
     * @param issuer the issuer URL ({@code /.well-known/openid-configuration} is read below it); empty: no login
     * @param clientId the client registered at the issuer for this tunnel
     * @param clientSecret that client's secret (the gateway needs it for the token request, so it cannot be hashed; never printed)
     * @param allowDomains when not empty, only visitors whose verified e-mail is in one of these domains are served
     * @param allowClaims when not empty, only visitors whose id_token has one of these {@code claim=value} pairs are served
     */
    public record Oidc(
            String issuer, String clientId, String clientSecret, List<String> allowDomains, List<String> allowClaims) {

        /** No login. */
        public static final Oidc NONE = new Oidc("", "", "", List.of(), List.of());

        public Oidc {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            allowDomains = List.copyOf(allowDomains);
            allowClaims = List.copyOf(allowClaims);
        }

        /** Whether a login is asked for. */
        public boolean enabled() {
            return !equals(NONE);
        }

        @Override
        public String toString() {
            return "Oidc[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=(hidden), allowDomains="
                    + allowDomains + ", allowClaims=" + allowClaims + "]";
        }
    }
}
