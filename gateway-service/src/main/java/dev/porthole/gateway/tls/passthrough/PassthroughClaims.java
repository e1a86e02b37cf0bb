package dev.porthole.gateway.tls.passthrough;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.PassthroughConfig;
import dev.porthole.gateway.registry.ClaimResult;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.gateway.registry.TunnelRegistry;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.registry.TunnelNames;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Set;

/**
 * Decides and takes the names of TLS passthrough tunnels: checks a request against the client's
 * subdomain grants (a TLS tunnel {@code app} is reached as {@code app.<domain>}, like an HTTP one)
 * and claims {@code route:tls:<name>} in the registry. It binds no port of its own: every TLS
 * tunnel shares the passthrough listener, which routes by SNI.
 */
@ApplicationScoped
public class PassthroughClaims {

    private final TunnelRegistry registry;
    private final PassthroughListener listener;
    private final String domain;
    private final String portSuffix;

    public PassthroughClaims(TunnelRegistry registry, PassthroughListener listener, GatewayConfig config) {
        this.registry = registry;
        this.listener = listener;
        this.domain = config.http().domain();
        PassthroughConfig passthrough = config.tls().passthrough();
        int port = passthrough.publicPort().orElse(passthrough.port().orElse(443));
        this.portSuffix = port == 443 ? "" : ":" + port;
    }

    /** {@code tls://<name>.<domain>[:port]}, the port left out when it is 443. */
    public String address(String name) {
        return "tls://" + name + "." + domain + portSuffix;
    }

    /**
     * Claims a TLS tunnel's name for a session.
     *
     * @param asked names already asked for in this HELLO; the name is added
     */
    public Future<ClaimResult> claim(TunnelRequest request, Principal principal, Route route, Set<String> asked) {
        if (!listener.enabled()) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.INVALID,
                    "this gateway has no TLS passthrough listener; ask its operator to set "
                            + "PORTHOLE_GATEWAY_TLS_PASSTHROUGH_PORT, or use 'porthole http' or 'porthole tcp'");
        }
        if (principal.isPublic()) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "public sessions may not open TLS tunnels; authenticate (--token)");
        }
        if (request.port() != 0 || request.privateTunnel()) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.INVALID,
                    "a TLS tunnel is reached by its name on the gateway's passthrough port; leave --port and --private out");
        }
        String name = request.name().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.INVALID,
                    "a TLS tunnel needs a name, since the local service's certificate must name it: --subdomain app for app."
                            + domain);
        }
        String problem = TunnelNames.problem(name);
        if (problem != null) {
            return ClaimResult.refused(request, TunnelResult.INVALID, "'" + request.name() + "': " + problem);
        }
        if (!asked.add("tls:" + name)) {
            return ClaimResult.refused(
                    request, TunnelResult.CONFLICT, "TLS tunnel '" + name + "' is asked for twice in one connection");
        }
        if (!principal.grants().allowsSubdomain(name)) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "client '" + principal.clientId() + "' may not claim subdomain '" + name
                            + "'; ask an administrator to grant it");
        }
        TunnelResult granted = TunnelResult.granted(TunnelKind.TLS, name, 0, address(name));
        return ClaimResult.ofSoleHolder(
                registry.claim(TunnelKey.tls(name), route),
                request,
                granted,
                "TLS tunnel '" + name + "'",
                "TLS tunnel '" + name + "' is held by another client; pick another with --subdomain",
                "pick another with --subdomain");
    }
}
