package dev.porthole.agent.cli;

import dev.porthole.agent.upstream.UdpUpstream;
import io.vertx.core.Vertx;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Bounds of the UDP flows an agent tracks ({@code udp}, {@code connect --udp}). */
public final class UdpFlows {

    @Option(
            names = "--flow-idle-timeout",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description =
                    "Forget a flow (and close its local socket) after this long without a datagram (default 60s).")
    Duration idleTimeout;

    @Option(
            names = "--max-flows",
            paramLabel = "N",
            defaultValue = "1024",
            description = "Most flows at once; datagrams of more are dropped (default 1024).")
    int maxFlows;

    /** The bound, checked. */
    int maxFlows() {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("--max-flows must be at least 1, was " + maxFlows);
        }
        return maxFlows;
    }

    /** The upstream of a {@code udp} tunnel, within these bounds (checked). */
    UdpUpstream upstream(Vertx vertx) {
        return new UdpUpstream(vertx, idleTimeout, maxFlows());
    }
}
