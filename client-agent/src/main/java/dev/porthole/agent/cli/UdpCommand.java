package dev.porthole.agent.cli;

import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UdpUpstream;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code porthole udp 53}: expose a local UDP service at a public UDP port. */
@Command(
        name = "udp",
        mixinStandardHelpOptions = true,
        description = {
            "Expose a local UDP service at a public UDP port.",
            "Visitors reach it at the udp://host:port printed on standard output; each visitor address",
            "and port is one flow with its own local socket, so answers go back to whoever asked.",
            "Datagrams may be dropped (UDP promises no delivery); everything else goes to standard error."
        })
public class UdpCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "<port|host:port>",
            description = "Local service: 53, dns.local:53 or [::1]:5353.")
    String upstream;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "${env:TUNNEL_PORT:-0}",
            description =
                    "Public UDP port to ask for, from the gateway's range; 0 (default) for any free one (env TUNNEL_PORT).")
    int port;

    @Option(
            names = "--flow-idle-timeout",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "Close a flow's local socket after this long without a datagram (default 60s).")
    Duration flowIdleTimeout;

    @Option(
            names = "--max-flows",
            paramLabel = "N",
            defaultValue = "1024",
            description = "Most flows (local sockets) open at once; datagrams of more are dropped (default 1024).")
    int maxFlows;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    ScreenOption screen;

    @Inject
    Vertx vertx;

    @Inject
    AgentRunner runner;

    @Override
    public Integer call() {
        AgentSettings settings;
        try {
            if (maxFlows < 1) {
                throw new IllegalArgumentException("--max-flows must be at least 1, was " + maxFlows);
            }
            settings = runner.settings(connection, List.of(TunnelSpec.udp(upstream, port, option -> "--" + option)));
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        runner.screen(screen, settings, null);
        AgentExit exit = runner.run(settings, new UdpUpstream(vertx, flowIdleTimeout, maxFlows), runner.reporter());
        return exit.code();
    }
}
