package dev.porthole.protocol.auth;

import dev.porthole.protocol.message.TunnelPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What an operator requires of every HTTP tunnel of a client (a grant): a login at the edge, and
 * which OIDC domains it must be limited to. The gateway refuses a tunnel whose policy falls short,
 * with {@link #problem}'s sentence.
 *
 * @param login {@code ""} (nothing required), {@code basic-auth}, {@code oidc}, or {@code login} (basic auth or OIDC)
 * @param oidcDomains when not empty, the tunnel must have an OIDC login restricted to some of these e-mail domains
 */
public record PolicyRequirement(String login, List<String> oidcDomains) {

    /** The logins a requirement may name. */
    public static final List<String> LOGINS = List.of("", "basic-auth", "oidc", "login");

    /** Nothing required. */
    public static final PolicyRequirement NONE = new PolicyRequirement("", List.of());

    public PolicyRequirement {
        login = Objects.requireNonNullElse(login, "");
        oidcDomains = List.copyOf(Objects.requireNonNullElse(oidcDomains, List.of())).stream()
                .map(d -> d.toLowerCase(Locale.ROOT))
                .toList();
        if (!LOGINS.contains(login)) {
            throw new IllegalArgumentException(
                    "a required login is basic-auth, oidc or login (either), not '" + login + "'");
        }
    }

    /** Why {@code policy} does not meet this requirement (a sentence naming the flags that would), or null when it does. */
    public String problem(TunnelPolicy policy) {
        boolean basic = !policy.basicAuth().isEmpty();
        boolean oidc = policy.oidc().enabled();
        if (!oidcDomains.isEmpty()) {
            List<String> allowed = policy.oidc().allowDomains().stream()
                    .map(d -> d.toLowerCase(Locale.ROOT))
                    .toList();
            if (!oidc || allowed.isEmpty() || !oidcDomains.containsAll(allowed)) {
                return "an OIDC login limited to " + String.join(" or ", oidcDomains)
                        + " (--oidc-issuer ... --oidc-allow-domain " + oidcDomains.getFirst() + ")";
            }
        }
        return switch (login) {
            case "basic-auth" -> basic ? null : "basic auth (--basic-auth USER:PASSWORD)";
            case "oidc" -> oidc ? null : "an OIDC login (--oidc-issuer URL --oidc-client-id ID)";
            case "login" -> basic || oidc ? null : "a login: basic auth (--basic-auth) or OIDC (--oidc-issuer)";
            default -> null;
        };
    }
}
