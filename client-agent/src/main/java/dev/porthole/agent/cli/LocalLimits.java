package dev.porthole.agent.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** Limits of a local listener ({@code forward}, {@code connect}). */
public final class LocalLimits {

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            defaultValue = "${env:MAX_CONNECTIONS:-1000}",
            description = "Most connections at once; more are reset (env MAX_CONNECTIONS, default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--idle-timeout",
            paramLabel = "DURATION",
            defaultValue = "${env:IDLE_TIMEOUT:-15m}",
            converter = DurationConverter.class,
            description =
                    "Close a connection with no traffic for this long (env IDLE_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration idleTimeout;
}
