package dev.porthole.agent.config;

import dev.porthole.agent.tunnel.TunnelSpec;

/**
 * One tunnel of porthole.yml.
 *
 * @param label the entry's key under {@code tunnels:}; what {@code porthole start NAME} selects and the status table shows
 * @param spec what the agent asks the gateway for, with the same meaning as the matching {@code http} or {@code tcp} flags
 */
public record TunnelEntry(String label, TunnelSpec spec) {}
