package dev.porthole.gateway.control;

import dev.porthole.gateway.registry.NameGenerator;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.mux.MuxSession;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a change of a client's grants takes from one of its live agent sessions: the tunnels it may
 * no longer hold are given up (their open streams reset, the agent told why in a NOTICE), and open
 * dials of private tunnels it may no longer dial are reset. On the session's context.
 */
final class GrantChanges {

    private final TunnelLeases leases;
    private final SessionStreams streams;
    private final MuxSession mux;
    private final NameGenerator names;
    private final String sessionId;

    GrantChanges(TunnelLeases leases, SessionStreams streams, MuxSession mux, NameGenerator names, String sessionId) {
        this.leases = leases;
        this.streams = streams;
        this.mux = mux;
        this.names = names;
        this.sessionId = sessionId;
    }

    /** Puts {@code principal}'s grants in force; true when the session held tunnels and now holds none. */
    boolean apply(Principal principal) {
        String clientId = principal.clientId();
        boolean heldTunnels = !leases.isEmpty();
        for (GrantedTunnel tunnel : ungranted(principal)) {
            String reason = "tunnel '" + tunnel.name() + "' was closed: client '" + clientId
                    + "' may no longer hold it (an administrator changed its grants)";
            leases.revoke(tunnel, reason);
            streams.reset(
                    stream -> stream.openedLocally() && stream.open().tunnel().equals(tunnel.name()), reason);
            mux.send(new Notice(Notice.Level.WARN, "tunnel.revoked", reason));
        }
        int dials = streams.reset(
                stream -> !stream.openedLocally()
                        && !principal.grants().allowsDial(stream.open().tunnel().toLowerCase(Locale.ROOT)),
                "client '" + clientId
                        + "' may no longer dial this private tunnel (an administrator changed its grants)");
        if (dials > 0) {
            Log.infof("session %s (client %s): %d dial(s) reset, no longer granted", sessionId, clientId, dials);
        }
        return heldTunnels && leases.isEmpty();
    }

    /**
     * The tunnels held that {@code principal}'s grants no longer allow: an HTTP name neither granted
     * nor (with random names allowed) a generated one, a private tunnel not granted, and TCP ports
     * neither granted by number nor within the number the client may take from the range. Public
     * sessions' grants never change.
     */
    private List<GrantedTunnel> ungranted(Principal principal) {
        if (principal.isPublic()) {
            return List.of();
        }
        Grants grants = principal.grants();
        List<GrantedTunnel> ungranted = new ArrayList<>();
        int fromRange = 0;
        int udpFromRange = 0;
        for (GrantedTunnel tunnel : leases.held()) {
            boolean allowed = switch (tunnel.key().kind()) {
                case "http" ->
                    grants.allowsSubdomain(tunnel.name())
                            || grants.randomNames() && names.looksGenerated(tunnel.name());
                case "private" -> grants.allowsPrivate(tunnel.name());
                case "tls" -> grants.allowsSubdomain(tunnel.name());
                case "udp" -> grants.allowsTcpPort(tunnel.port()) || ++udpFromRange <= grants.tcpPortCount();
                default -> grants.allowsTcpPort(tunnel.port()) || ++fromRange <= grants.tcpPortCount();
            };
            if (!allowed) {
                ungranted.add(tunnel);
            }
        }
        return ungranted;
    }
}
