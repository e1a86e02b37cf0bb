package dev.porthole.gateway.dial;

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
 * Decides and takes the names of private tunnels: checks a request against the client's grants
 * and claims {@code route:private:<name>} in the registry. A private tunnel binds no port; the
 * session routes the name locally once granted.
 */
@ApplicationScoped
public class PrivateClaims {

    private final TunnelRegistry registry;

    public PrivateClaims(TunnelRegistry registry) {
        this.registry = registry;
    }

    /**
     * Claims a private tunnel's name for a session.
     *
     * @param asked names already asked for in this HELLO; the name is added
     */
    public Future<ClaimResult> claim(TunnelRequest request, Principal principal, Route route, Set<String> asked) {
        if (principal.isPublic()) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "public sessions may not publish private tunnels; authenticate (--token)");
        }
        if (request.port() != 0) {
            return ClaimResult.refused(
                    request, TunnelResult.INVALID, "a private tunnel has no public port; leave --port out");
        }
        String name = request.name().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            return ClaimResult.refused(
                    request, TunnelResult.INVALID, "a private tunnel needs a name that others dial: --name db");
        }
        String problem = TunnelNames.problem(name);
        if (problem != null) {
            return ClaimResult.refused(request, TunnelResult.INVALID, "'" + request.name() + "': " + problem);
        }
        if (!asked.add("private:" + name)) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.CONFLICT,
                    "private tunnel '" + name + "' is asked for twice in one connection");
        }
        if (!principal.grants().allowsPrivate(name)) {
            return ClaimResult.refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "client '" + principal.clientId() + "' may not publish private tunnel '" + name
                            + "'; ask an administrator to grant it");
        }
        TunnelResult granted =
                TunnelResult.granted(request.kind() == TunnelKind.UDP ? TunnelKind.UDP : TunnelKind.TCP, name, 0, "");
        return ClaimResult.ofSoleHolder(
                registry.claim(TunnelKey.privateTunnel(name), route),
                request,
                granted,
                "private tunnel '" + name + "'",
                "private tunnel '" + name + "' is published by another client; pick another --name",
                "pick another --name");
    }
}
