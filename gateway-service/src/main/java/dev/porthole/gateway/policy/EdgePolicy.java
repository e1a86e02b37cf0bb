package dev.porthole.gateway.policy;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.TunnelPolicy;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tunnel's policy as the gateway enforces it: the agent's rules parsed and checked once, when the
 * tunnel is claimed. Each rule is null when the policy does not use it. {@link PolicyGate} applies
 * them in the order of {@link PolicyRule}.
 */
public final class EdgePolicy {

    /** The basic-auth user or OIDC subject a request was admitted as. */
    public static final String USER_HEADER = "X-Porthole-User";
    /** The verified e-mail address of an OIDC login. */
    public static final String EMAIL_HEADER = "X-Porthole-Email";
    /** The rule that admitted a request ({@link PolicyRule#label()}, or {@code none}). */
    public static final String DECIDED_BY_HEADER = "X-Porthole-Policy";

    /** No rules: requests pass as without a policy. */
    public static final EdgePolicy NONE = new EdgePolicy(null, null, null, null, null, null, "");

    final CidrRules ip;
    final VisitorRateLimit rate;
    final BasicAuthRule basicAuth;
    final OidcLogin oidc;
    final WebhookRule webhook;
    final HeaderRules headers;
    private final String summary;

    private EdgePolicy(
            CidrRules ip,
            VisitorRateLimit rate,
            BasicAuthRule basicAuth,
            OidcLogin oidc,
            WebhookRule webhook,
            HeaderRules headers,
            String summary) {
        this.ip = ip;
        this.rate = rate;
        this.basicAuth = basicAuth;
        this.oidc = oidc;
        this.webhook = webhook;
        this.headers = headers;
        this.summary = summary;
    }

    /**
     * Parses and checks an agent's policy; every bad rule is named in the exception, none of its
     * secrets. An OIDC login is checked here, but its issuer is discovered by {@link PolicyGate#compile}.
     *
     * @param webhookTolerance how far a Stripe or Slack timestamp may be from now
     * @param rateLimitVisitors visitor addresses whose buckets the rate rule keeps
     * @param allowHttpIssuer whether an OIDC issuer may be a plain {@code http://} URL
     */
    public static EdgePolicy compile(
            TunnelPolicy policy,
            Duration webhookTolerance,
            int rateLimitVisitors,
            TimeMeter time,
            boolean allowHttpIssuer)
            throws InvalidPolicyException {
        if (policy.isEmpty()) {
            return NONE;
        }
        List<String> problems = new ArrayList<>();
        CidrRules ip = CidrRules.of(policy.allowCidrs(), policy.denyCidrs(), problems);
        VisitorRateLimit rate = VisitorRateLimit.of(policy.rateLimit(), time, rateLimitVisitors, problems);
        List<String> userProblems = new ArrayList<>();
        BasicAuthRule basicAuth = BasicAuthRule.of(policy.basicAuth(), userProblems);
        problems.addAll(userProblems);
        OidcLogin oidc = OidcLogin.of(policy.oidc(), allowHttpIssuer, problems);
        if (!policy.basicAuth().isEmpty() && policy.oidc().enabled()) {
            problems.add("basic-auth and oidc cannot both guard one tunnel: pick one login");
        }
        WebhookRule webhook = WebhookRule.of(policy.webhooks(), webhookTolerance, problems);
        HeaderRules headers = HeaderRules.of(policy, problems);
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        return new EdgePolicy(ip, rate, basicAuth, oidc, webhook, headers, summary(policy, rate));
    }

    public boolean isEmpty() {
        return this == NONE;
    }

    /** Whether the body must be read (bounded) before the request may cross the tunnel. */
    public boolean verifiesWebhooks() {
        return webhook != null;
    }

    /** The request's headers after the header rules. */
    public List<Header> requestHeaders(List<Header> original) {
        return headers == null ? original : headers.request(original);
    }

    /**
     * The head that crosses the tunnel: the header rules applied; after basic auth, the visitor's
     * {@code Authorization} (meant for the gateway) replaced by {@code X-Porthole-User}; and
     * {@code X-Porthole-Policy} naming the rule that admitted the request, for the agent's inspector.
     * After an OIDC login, its cookie (the gateway's, not the upstream's) is removed and
     * {@code X-Porthole-User} and {@code X-Porthole-Email} name the visitor.
     * Visitors' own {@code X-Porthole-*} headers never get this far ({@code ForwardedRequest}).
     */
    public HttpRequestHead outgoing(HttpRequestHead head, PolicyDecision.Admitted admitted) {
        List<Header> out = new ArrayList<>(requestHeaders(head.headers()));
        if (oidc != null) {
            out = OidcCookie.withoutOurs(out);
        }
        if (!admitted.user().isEmpty()) {
            if (oidc == null) {
                out.removeIf(h -> h.name().equalsIgnoreCase("authorization"));
            }
            out.add(new Header(USER_HEADER, admitted.user()));
        }
        if (!admitted.email().isEmpty()) {
            out.add(new Header(EMAIL_HEADER, admitted.email()));
        }
        out.add(new Header(DECIDED_BY_HEADER, admitted.decidedBy()));
        return new HttpRequestHead(head.method(), head.uri(), out);
    }

    /** Frees what the policy holds outside the heap (the OIDC client's connections); called when the session ends. */
    public void close() {
        if (oidc != null) {
            oidc.close();
        }
    }

    /** Applies the response header rules to a head about to go to the visitor. */
    public void responseHeaders(MultiMap response) {
        if (headers != null) {
            headers.response(response);
        }
    }

    /** The rules in use, without any secret or user name: for logs, {@code porthole status} and the admin API. */
    @Override
    public String toString() {
        return summary;
    }

    private static String summary(TunnelPolicy policy, VisitorRateLimit rate) {
        List<String> parts = new ArrayList<>();
        if (!policy.allowCidrs().isEmpty() || !policy.denyCidrs().isEmpty()) {
            parts.add("ip(allow " + policy.allowCidrs().size() + ", deny "
                    + policy.denyCidrs().size() + ")");
        }
        if (rate != null) {
            parts.add("rate-limit(" + rate.describe() + " per visitor)");
        }
        if (!policy.basicAuth().isEmpty()) {
            parts.add("basic-auth(" + policy.basicAuth().size() + " users)");
        }
        if (policy.oidc().enabled()) {
            parts.add("oidc(" + policy.oidc().issuer() + ", "
                    + policy.oidc().allowDomains().size() + " domains, "
                    + policy.oidc().allowClaims().size() + " claims)");
        }
        if (!policy.webhooks().isEmpty()) {
            parts.add("webhook("
                    + String.join(
                            ", ",
                            policy.webhooks().stream()
                                    .map(TunnelPolicy.Webhook::kind)
                                    .toList()) + ")");
        }
        if (!policy.requestHeaderAdd().isEmpty()
                || !policy.requestHeaderRemove().isEmpty()
                || !policy.responseHeaderAdd().isEmpty()
                || !policy.responseHeaderRemove().isEmpty()) {
            parts.add("headers");
        }
        return String.join(" ", parts);
    }
}
