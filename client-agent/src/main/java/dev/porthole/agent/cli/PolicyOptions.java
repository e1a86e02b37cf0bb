package dev.porthole.agent.cli;

import dev.porthole.agent.policy.PolicyInput;
import dev.porthole.protocol.message.TunnelPolicy;
import java.util.List;
import picocli.CommandLine.Option;

/** The edge policy flags of {@code porthole http}: rules the gateway applies before a request crosses the tunnel. */
public final class PolicyOptions {

    @Option(
            names = "--basic-auth",
            paramLabel = "USER:PASSWORD",
            description = "Visitors must log in as one of these users (repeatable); "
                    + "the password leaves this machine only as a bcrypt hash.")
    List<String> basicAuth;

    @Option(
            names = "--allow-cidr",
            paramLabel = "CIDR",
            description = "Serve only visitors from these IPv4/IPv6 ranges (repeatable).")
    List<String> allowCidr;

    @Option(names = "--deny-cidr", paramLabel = "CIDR", description = "Refuse visitors from these ranges (repeatable).")
    List<String> denyCidr;

    @Option(
            names = "--verify-webhook",
            paramLabel = "KIND:SECRET",
            description = {
                "Pass only requests signed with one of:",
                "github:SECRET, stripe:SECRET, slack:SECRET or",
                "hmac-sha256:HEADER:SECRET (repeatable)."
            })
    List<String> verifyWebhook;

    @Option(
            names = "--request-header-add",
            paramLabel = "NAME:VALUE",
            description = "Set this header on requests (repeatable).")
    List<String> requestHeaderAdd;

    @Option(
            names = "--request-header-remove",
            paramLabel = "NAME",
            description = "Remove this header from requests (repeatable).")
    List<String> requestHeaderRemove;

    @Option(
            names = "--response-header-add",
            paramLabel = "NAME:VALUE",
            description = "Set this header on responses (repeatable).")
    List<String> responseHeaderAdd;

    @Option(
            names = "--response-header-remove",
            paramLabel = "NAME",
            description = "Remove this header from responses (repeatable).")
    List<String> responseHeaderRemove;

    @Option(
            names = "--rate-limit",
            paramLabel = "RATE",
            description = "Requests per visitor address, e.g. 100/min (per s, min or hour).")
    String rateLimit;

    @Option(
            names = "--oidc-issuer",
            paramLabel = "URL",
            description = {
                "Visitors log in at this OpenID Connect issuer first.",
                "Register this redirect URI with the issuer:",
                "  https://<tunnel-host>/.porthole/oidc/callback"
            })
    String oidcIssuer;

    @Option(names = "--oidc-client-id", paramLabel = "ID", description = "The client registered at the OIDC issuer.")
    String oidcClientId;

    @Option(
            names = "--oidc-client-secret",
            paramLabel = "SECRET",
            defaultValue = "${env:PORTHOLE_OIDC_CLIENT_SECRET}",
            description =
                    "That client's secret (env PORTHOLE_OIDC_CLIENT_SECRET, which keeps it out of the process list).")
    String oidcClientSecret;

    @Option(
            names = "--oidc-allow-domain",
            paramLabel = "DOMAIN",
            description = "Admit only verified e-mail addresses of this domain " + "after the login (repeatable).")
    List<String> oidcAllowDomain;

    @Option(
            names = "--oidc-allow-claim",
            paramLabel = "CLAIM=VALUE",
            description = "Admit only logins whose id_token has this claim "
                    + "value, e.g. groups=admins (repeatable: any one).")
    List<String> oidcAllowClaim;

    /** The policy these flags give, passwords hashed; {@link TunnelPolicy#NONE} without any. */
    TunnelPolicy policy() {
        PolicyInput input = new PolicyInput(
                basicAuth,
                allowCidr,
                denyCidr,
                verifyWebhook,
                requestHeaderAdd,
                requestHeaderRemove,
                responseHeaderAdd,
                responseHeaderRemove,
                rateLimit,
                oidcIssuer,
                oidcClientId,
                oidcIssuer == null ? null : oidcClientSecret,
                oidcAllowDomain,
                oidcAllowClaim);
        return input.isEmpty() ? TunnelPolicy.NONE : input.toPolicy(option -> "--" + option);
    }
}
