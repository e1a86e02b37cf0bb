package dev.porthole.agent.cli;

import picocli.CommandLine.Option;

/** How HTTP tunnels reach their local services; shared by {@code http} and {@code start}. */
public final class HttpServingOptions {

    @Option(
            names = "--max-upstream-connections",
            paramLabel = "N",
            defaultValue = "${env:MAX_UPSTREAM_CONNECTIONS:-100}",
            description = "Keep-alive connections kept to the local service (default ${DEFAULT-VALUE}).")
    int maxUpstreamConnections;

    /**
     * The keep-alive connections each event loop keeps: the bound is the agent's, and with {@code links}
     * connections to gateways (a pool's, or HA's two) each one's event loop keeps an even share of it, at
     * least one.
     *
     * @throws IllegalArgumentException for a bound below 1, in a sentence naming the option
     */
    int perEventLoop(int links) {
        if (maxUpstreamConnections < 1) {
            throw new IllegalArgumentException(
                    "--max-upstream-connections must be at least 1 (was " + maxUpstreamConnections + ")");
        }
        return Math.max(1, maxUpstreamConnections / links);
    }
}
