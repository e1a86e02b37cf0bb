package dev.porthole.gateway.tls.acme;

import dev.porthole.protocol.registry.TunnelNames;
import java.util.Locale;

/**
 * Which hosts get an ACME certificate and under which name it is held: {@code <name>.<domain>} for
 * a valid tunnel name and the domain itself, or, with DNS-01, one wildcard certificate for both.
 *
 * @param domainSuffix {@code .<domain>}, lower case
 * @param wildcard {@code *.<domain>} when one wildcard certificate serves every name (DNS-01), else null
 */
record CertificateNames(String domainSuffix, String wildcard) {

    static CertificateNames of(String domain, boolean wildcardOn) {
        String suffix = "." + domain.toLowerCase(Locale.ROOT);
        return new CertificateNames(suffix, wildcardOn ? "*" + suffix : null);
    }

    /** The domain itself, {@code <domain>}. */
    String apex() {
        return domainSuffix.substring(1);
    }

    /** The name the certificate for {@code host} is held and stored under: the wildcard when there is one and it covers the host. */
    String certificateFor(String host) {
        return wildcard != null && (isApex(host) || perName(host)) ? wildcard : host;
    }

    /** {@code <name>.<domain>} for a valid tunnel name, or the domain itself (agents and the console connect there), or the wildcard. */
    boolean eligible(String host) {
        return isApex(host) || host.equals(wildcard) || perName(host);
    }

    /** Whether {@code host}'s certificate is kept and renewed whether or not a tunnel holds a name: the domain's and the wildcard. */
    boolean always(String host) {
        return isApex(host) || host.equals(wildcard);
    }

    /** Whether {@code host} is the wildcard. */
    boolean isWildcard(String host) {
        return host.equals(wildcard);
    }

    /** The tunnel name of {@code <name>.<domain>}. */
    String tunnelName(String host) {
        return host.substring(0, host.length() - domainSuffix.length());
    }

    private boolean perName(String host) {
        return host.endsWith(domainSuffix) && TunnelNames.problem(tunnelName(host)) == null;
    }

    private boolean isApex(String host) {
        return host.equals(apex());
    }
}
