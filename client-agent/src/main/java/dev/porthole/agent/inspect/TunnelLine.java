package dev.porthole.agent.inspect;

import io.vertx.core.json.JsonObject;

/**
 * One "forwarding" line of the request list: a tunnel's public address and where it forwards.
 *
 * @param name     the tunnel's name (or its label in porthole.yml)
 * @param address  its public URL ({@code https://...}) or {@code host:port}; empty until the gateway granted it
 * @param upstream the local service
 * @param state    waiting, serving or refused
 */
public record TunnelLine(String name, String address, String upstream, String state) {

    /** From one entry of the agent's status ({@code /api/status}'s {@code tunnels}). */
    static TunnelLine of(JsonObject tunnel) {
        return new TunnelLine(
                tunnel.getString("name", ""),
                tunnel.getString("address", ""),
                tunnel.getString("upstream", ""),
                tunnel.getString("state", ""));
    }

    /** Whether the address is a URL a browser can open. */
    public boolean link() {
        return address.startsWith("http://") || address.startsWith("https://");
    }
}
