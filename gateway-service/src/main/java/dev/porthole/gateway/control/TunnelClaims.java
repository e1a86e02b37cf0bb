package dev.porthole.gateway.control;

import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.policy.InvalidPolicyException;
import dev.porthole.gateway.registry.ClaimOutcome;
import dev.porthole.gateway.registry.ClaimResult;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.registry.TunnelKey;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.registry.TunnelNames;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The claims of one HELLO: each requested HTTP name, TCP port or private tunnel checked against the
 * session's grants and claimed in the registry, one after the other, then the client's tunnel limit
 * across its agents. A claim that an older session of the agent held takes it over from that session.
 */
final class TunnelClaims {

    private final ClaimServices services;
    private final AgentSession session;
    private final TunnelLeases leases;
    private final Principal principal;
    private final String sessionId;
    private final Route route;

    TunnelClaims(ClaimServices services, AgentSession session, TunnelLeases leases) {
        this.services = services;
        this.session = session;
        this.leases = leases;
        this.principal = session.principal();
        this.sessionId = session.sessionId();
        this.route = leases.route();
    }

    /** One result per request, in order; the granted ones are held in the registry (and a TCP port's listener is bound). */
    Future<List<TunnelResult>> claim(List<TunnelRequest> requests) {
        return claimAll(requests).compose(results -> withinTunnelLimit(requests, results));
    }

    private Future<List<TunnelResult>> claimAll(List<TunnelRequest> requests) {
        List<TunnelResult> results = new ArrayList<>();
        Set<String> asked = new HashSet<>();
        Future<Void> chain = Future.succeededFuture();
        for (TunnelRequest request : requests) {
            chain = chain.compose(ignored -> claim(
                            request,
                            asked,
                            results.stream().filter(TunnelResult::granted).toList())
                    .map(result -> {
                        results.add(result);
                        return null;
                    }));
        }
        return chain.map(ignored -> results);
    }

    /**
     * A client with a max-tunnels grant holds at most that many tunnels across all its sessions and
     * gateways: granted claims beyond it are given back and refused.
     */
    private Future<List<TunnelResult>> withinTunnelLimit(List<TunnelRequest> requests, List<TunnelResult> results) {
        int limit = principal.grants().maxTunnels();
        if (limit <= 0) {
            return Future.succeededFuture(results);
        }
        if (principal.isPublic()) {
            return Future.succeededFuture(withinPublicLimit(requests, results, limit));
        }
        List<TunnelResult> checked = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < results.size(); i++) {
            TunnelRequest request = requests.get(i);
            TunnelResult result = results.get(i);
            chain = chain.compose(ignored -> {
                if (!result.granted()) {
                    checked.add(result);
                    return Future.succeededFuture();
                }
                GrantedTunnel tunnel = GrantedTunnel.of(result);
                return services.quotas()
                        .acquireTunnel(clientId(), tunnel.key().toString(), limit)
                        .otherwise(error -> null)
                        .map(acquired -> {
                            if (Boolean.TRUE.equals(acquired)) {
                                checked.add(result);
                                return null;
                            }
                            leases.giveBack(tunnel);
                            if (acquired != null) {
                                services.events()
                                        .publish(new PortholeEvent.LimitHit(
                                                services.instance().id(),
                                                clientId(),
                                                result.name(),
                                                "tunnels",
                                                "session " + sessionId + " refused a tunnel: " + limit
                                                        + " tunnels already open"));
                            }
                            checked.add(
                                    acquired == null
                                            ? TunnelResult.refused(
                                                    request,
                                                    TunnelResult.UNAVAILABLE,
                                                    "the gateway cannot check the tunnel limit right now; try again")
                                            : TunnelResult.refused(
                                                    request,
                                                    TunnelResult.FORBIDDEN,
                                                    "client '" + clientId() + "' may hold at most " + limit
                                                            + (limit == 1 ? " tunnel" : " tunnels")
                                                            + " at once across its agents"));
                            return null;
                        });
            });
        }
        return chain.map(ignored -> checked);
    }

    /**
     * A public session is its own owner (its "client" is only the agent id it sent, which a stranger
     * may send too), so its tunnel limit counts the tunnels of this session alone.
     */
    private List<TunnelResult> withinPublicLimit(List<TunnelRequest> requests, List<TunnelResult> results, int limit) {
        List<TunnelResult> checked = new ArrayList<>();
        int granted = 0;
        for (int i = 0; i < results.size(); i++) {
            TunnelResult result = results.get(i);
            if (result.granted() && ++granted > limit) {
                leases.giveBack(GrantedTunnel.of(result));
                result = TunnelResult.refused(
                        requests.get(i),
                        TunnelResult.FORBIDDEN,
                        "a public session may hold at most " + limit + (limit == 1 ? " tunnel" : " tunnels")
                                + "; authenticate (--token) for more");
            }
            checked.add(result);
        }
        return checked;
    }

    /**
     * Checks the request's edge policy before anything is claimed: one that falls short of what the
     * client's grants require refuses the tunnel (403, naming the flags that would meet it), a bad
     * rule too (400, naming each rule); a granted HTTP tunnel's policy is in force before its route is bound.
     */
    private Future<TunnelResult> claim(TunnelRequest request, Set<String> asked, List<TunnelResult> grantedSoFar) {
        String missing = request.kind() == TunnelKind.HTTP
                ? principal.grants().requiredPolicy().problem(request.policy())
                : null;
        if (missing != null) {
            return refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "client '" + clientId() + "' must protect its HTTP tunnels with " + missing
                            + "; an administrator set this in its grants");
        }
        if (request.policy().isEmpty()) {
            return claimUnprotected(request, asked, grantedSoFar);
        }
        if (request.kind() != TunnelKind.HTTP) {
            return refused(request, TunnelResult.INVALID, "edge policies apply to HTTP tunnels only");
        }
        return services.policies()
                .compile(request.policy())
                .compose(
                        policy -> claimUnprotected(request, asked, grantedSoFar).map(result -> {
                            if (result.granted()) {
                                session.enforce(result.name(), policy);
                            } else {
                                policy.close();
                            }
                            return result;
                        }),
                        error -> error instanceof InvalidPolicyException
                                ? refused(request, TunnelResult.INVALID, error.getMessage())
                                : Future.failedFuture(error));
    }

    private Future<TunnelResult> claimUnprotected(
            TunnelRequest request, Set<String> asked, List<TunnelResult> grantedSoFar) {
        if (grantedSoFar.size() >= services.config().tunnel().maxTunnelsPerSession()) {
            return refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "at most " + services.config().tunnel().maxTunnelsPerSession() + " tunnels per agent connection");
        }
        if (request.kind() == TunnelKind.TLS) {
            return services.passthrough()
                    .claim(request, principal, route, asked)
                    .map(this::tookOver);
        }
        if (request.kind() == TunnelKind.UDP) {
            return request.privateTunnel() ? claimPrivate(request, asked) : claimUdpPort(request, grantedSoFar);
        }
        if (request.kind() == TunnelKind.TCP) {
            return request.privateTunnel() ? claimPrivate(request, asked) : claimPort(request, grantedSoFar);
        }
        if (request.privateTunnel()) {
            return refused(
                    request,
                    TunnelResult.INVALID,
                    "only TCP and UDP tunnels can be private: porthole tcp <port> --private --name <name>");
        }
        String name = request.name().toLowerCase(Locale.ROOT);
        // A public session's names end with it: a name asked back after a reconnect is a fresh one.
        if (name.isEmpty() || (principal.isPublic() && services.names().looksGenerated(name))) {
            if (!principal.grants().randomNames()) {
                return refused(
                        request,
                        TunnelResult.FORBIDDEN,
                        "client '" + clientId() + "' may not use random names; ask for one of its subdomains");
            }
            return claimRandom(request, services.config().registry().randomNameAttempts());
        }
        String problem = TunnelNames.problem(name);
        if (problem != null) {
            return refused(request, TunnelResult.INVALID, "'" + request.name() + "': " + problem);
        }
        if (!asked.add(name)) {
            return refused(
                    request, TunnelResult.CONFLICT, "subdomain '" + name + "' is asked for twice in one connection");
        }
        boolean reclaimingRandomName =
                principal.grants().randomNames() && services.names().looksGenerated(name);
        if (principal.isPublic()) {
            return refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "public sessions get random names only; authenticate (--token) to choose subdomain '" + name + "'");
        }
        if (!principal.grants().allowsSubdomain(name) && !reclaimingRandomName) {
            return refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "client '" + clientId() + "' may not claim subdomain '" + name
                            + "'; ask an administrator to grant it");
        }
        return services.registry()
                .claimHttp(name, route)
                .compose(outcome -> switch (outcome) {
                    case ClaimOutcome.Claimed claimed -> Future.succeededFuture(granted(name));
                    case ClaimOutcome.Joined joined -> Future.succeededFuture(granted(name));
                    case ClaimOutcome.TookOver tookOver -> {
                        leases.takeOverFrom(tookOver.previous(), TunnelKey.http(name));
                        yield Future.succeededFuture(granted(name));
                    }
                    case ClaimOutcome.Taken taken -> taken(request, name, taken.holder());
                    case ClaimOutcome.Reserved reserved ->
                        Future.succeededFuture(TunnelResult.refused(
                                request,
                                TunnelResult.FORBIDDEN,
                                "subdomain '" + name
                                        + "' is reserved for another client; pick another with --subdomain"));
                })
                .recover(error -> registryUnavailable(request, error));
    }

    /**
     * The refusal of a name someone holds, saying whose: another agent of this same client (which
     * one, since when and from where, from its session record) or another client, of which nothing
     * more is said.
     */
    private Future<TunnelResult> taken(TunnelRequest request, String name, Route holder) {
        return services.holders()
                .heldBy(holder, clientId())
                .map(whose -> TunnelResult.refused(
                        request,
                        TunnelResult.CONFLICT,
                        "subdomain '" + name + "' is " + whose.text()
                                + (whose.yours()
                                        ? "; stop that agent, or pick another name with --subdomain"
                                        : "; pick another with --subdomain or ask an administrator to release it")));
    }

    private Future<TunnelResult> claimPort(TunnelRequest request, List<TunnelResult> grantedSoFar) {
        if (principal.isPublic()) {
            return refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "public sessions may not open TCP tunnels; authenticate (--token)");
        }
        int rangePorts = (int) grantedSoFar.stream()
                .filter(r -> r.kind() == TunnelKind.TCP
                        && r.port() > 0
                        && !principal.grants().tcpPorts().contains(r.port()))
                .count();
        return services.tcp()
                .claim(request, clientId(), principal.grants(), route, session, rangePorts)
                .map(this::tookOver);
    }

    private Future<TunnelResult> claimUdpPort(TunnelRequest request, List<TunnelResult> grantedSoFar) {
        if (principal.isPublic()) {
            return refused(
                    request,
                    TunnelResult.FORBIDDEN,
                    "public sessions may not open UDP tunnels; authenticate (--token)");
        }
        int rangePorts = (int) grantedSoFar.stream()
                .filter(r -> r.kind() == TunnelKind.UDP
                        && !principal.grants().tcpPorts().contains(r.port()))
                .count();
        return services.udp()
                .claim(request, clientId(), principal.grants(), route, session, rangePorts)
                .map(this::tookOver);
    }

    private Future<TunnelResult> claimPrivate(TunnelRequest request, Set<String> asked) {
        return services.privateClaims().claim(request, principal, route, asked).map(this::tookOver);
    }

    /** A granted claim that an older session of this agent held: that session lets go of it. */
    private TunnelResult tookOver(ClaimResult claim) {
        if (claim.previous() != null) {
            leases.takeOverFrom(
                    claim.previous(), GrantedTunnel.of(claim.result()).key());
        }
        return claim.result();
    }

    private Future<TunnelResult> claimRandom(TunnelRequest request, int attemptsLeft) {
        if (attemptsLeft <= 0) {
            return refused(request, TunnelResult.UNAVAILABLE, "no free random name found; try again");
        }
        String name = services.names().next();
        return services.registry()
                .claimHttp(name, route)
                .compose(
                        outcome -> switch (outcome) {
                            case ClaimOutcome.Claimed claimed -> Future.succeededFuture(granted(name));
                            case ClaimOutcome.Joined joined -> Future.succeededFuture(granted(name));
                            case ClaimOutcome.TookOver tookOver -> Future.succeededFuture(granted(name));
                            case ClaimOutcome.Taken taken -> claimRandom(request, attemptsLeft - 1);
                            case ClaimOutcome.Reserved reserved -> claimRandom(request, attemptsLeft - 1);
                        },
                        error -> registryUnavailable(request, error));
    }

    private Future<TunnelResult> registryUnavailable(TunnelRequest request, Throwable error) {
        try (LogFields fields = LogFields.of(clientId(), request.name())) {
            Log.warnf(
                    "tunnel registry unavailable while session %s claimed '%s': %s",
                    sessionId, PeerText.escape(request.name()), error.getMessage());
        }
        return refused(
                request,
                TunnelResult.UNAVAILABLE,
                "the tunnel registry is unavailable right now; the agent will try again");
    }

    private TunnelResult granted(String name) {
        return TunnelResult.granted(
                TunnelKind.HTTP, name, 0, services.addresses().http(name));
    }

    private static Future<TunnelResult> refused(TunnelRequest request, int status, String message) {
        return Future.succeededFuture(TunnelResult.refused(request, status, message));
    }

    private String clientId() {
        return principal.clientId();
    }
}
