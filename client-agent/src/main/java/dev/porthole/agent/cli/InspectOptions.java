package dev.porthole.agent.cli;

import dev.porthole.agent.inspect.InspectorSettings;
import dev.porthole.agent.upstream.UpstreamAddress;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The traffic inspector's options: on by default at http://127.0.0.1:4040. */
public final class InspectOptions {

    @Option(
            names = "--inspect",
            negatable = true,
            defaultValue = "${env:INSPECT:-true}",
            fallbackValue = "true",
            description = "Serve the traffic inspector (on by default; --no-inspect turns it off; env INSPECT).")
    boolean enabled;

    @Option(
            names = "--inspect-address",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:INSPECT_ADDRESS:-" + InspectorSettings.DEFAULT_ADDRESS + "}",
            description =
                    "Where the inspector listens (env INSPECT_ADDRESS, default ${DEFAULT-VALUE}). A non-loopback host exposes "
                            + "captured requests to others.")
    String address;

    @Option(
            names = "--inspect-body-cap",
            paramLabel = "SIZE",
            defaultValue = "${env:INSPECT_BODY_CAP:-64K}",
            converter = ByteSizeConverter.class,
            description =
                    "Bytes kept of each request and response body (env INSPECT_BODY_CAP, default ${DEFAULT-VALUE}).")
    long bodyCap;

    @Option(
            names = "--inspect-max-requests",
            paramLabel = "N",
            defaultValue = "${env:INSPECT_MAX_REQUESTS:-500}",
            description =
                    "Requests the inspector keeps, oldest dropped first (env INSPECT_MAX_REQUESTS, default ${DEFAULT-VALUE}).")
    int maxRequests;

    @Option(
            names = "--inspect-max-memory",
            paramLabel = "SIZE",
            defaultValue = "${env:INSPECT_MAX_MEMORY:-32M}",
            converter = ByteSizeConverter.class,
            description =
                    "Memory budget of the kept requests, oldest dropped first (env INSPECT_MAX_MEMORY, default ${DEFAULT-VALUE}).")
    long maxMemory;

    /** The checked settings; {@code replayTimeout} is the agent's upstream timeout. */
    InspectorSettings settings(Duration replayTimeout) {
        UpstreamAddress where;
        try {
            where = UpstreamAddress.parse(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--inspect-address: " + e.getMessage());
        }
        return new InspectorSettings(enabled, where, bodyCap, maxRequests, maxMemory, replayTimeout);
    }
}
