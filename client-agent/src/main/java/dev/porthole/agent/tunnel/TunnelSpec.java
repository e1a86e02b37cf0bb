package dev.porthole.agent.tunnel;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;

/**
 * One tunnel the agent asks for and where its streams go.
 *
 * @param kind HTTP or TCP
 * @param name the subdomain or private name asked for; empty for a random one
 * @param port the public TCP port asked for; 0 for any
 * @param privateTunnel whether the tunnel publishes nothing
 * @param upstream the local service
 */
public record TunnelSpec(TunnelKind kind, String name, int port, boolean privateTunnel, UpstreamAddress upstream) {

    public TunnelRequest request() {
        return new TunnelRequest(kind, name, port, privateTunnel, upstream.toString());
    }

    /** The same tunnel asking for a specific name (to get the same random name back after a reconnect). */
    public TunnelSpec withName(String newName) {
        return new TunnelSpec(kind, newName, port, privateTunnel, upstream);
    }

    /** The same tunnel asking for what it was given: its name, and its TCP port, so that a reconnect gets both back. */
    public TunnelSpec granted(String grantedName, int grantedPort) {
        return new TunnelSpec(kind, grantedName, grantedPort > 0 ? grantedPort : port, privateTunnel, upstream);
    }
}
