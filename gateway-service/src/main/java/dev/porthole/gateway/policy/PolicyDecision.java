package dev.porthole.gateway.policy;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/** What a tunnel's policy decided about one request. */
public sealed interface PolicyDecision {

    /**
     * The request goes on to the agent.
     *
     * @param decidedBy the last rule that admitted it ({@code none} for a policy of header rules only)
     * @param user the basic-auth user or the OIDC subject, or empty
     * @param email the OIDC login's verified e-mail address, or empty
     * @param body the body read to verify a webhook signature (sent on instead of the request's), or null
     */
    record Admitted(String decidedBy, String user, String email, Buffer body) implements PolicyDecision {}

    /**
     * The gateway answers {@code 302} itself (to the OIDC issuer, or back to the page after a
     * login); nothing reaches the agent.
     *
     * @param setCookie the {@code Set-Cookie} value that goes with it
     */
    record Redirect(String location, String setCookie) implements PolicyDecision {}

    /**
     * The visitor gets an error page; nothing reaches the agent.
     *
     * @param rule the rule that refused
     * @param headers response headers the refusal carries ({@code WWW-Authenticate}, {@code Retry-After})
     */
    record Refused(PolicyRule rule, int status, String code, String title, String detail, Map<String, String> headers)
            implements PolicyDecision {

        Refused(PolicyRule rule, int status, String code, String title, String detail) {
            this(rule, status, code, title, detail, Map.of());
        }
    }
}
