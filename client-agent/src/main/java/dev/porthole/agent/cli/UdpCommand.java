package dev.porthole.agent.cli;

import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code porthole udp 53}: expose a local UDP service at a public UDP port, or as a private tunnel. */
@Command(
        name = "udp",
        mixinStandardHelpOptions = true,
        description = {
            "Expose a local UDP service at a public UDP port, or as a private tunnel.",
            "Visitors reach it at the udp://host:port printed on standard output; each visitor address",
            "and port is one flow with its own local socket, so answers go back to whoever asked.",
            "Private (--private --name NAME): only granted clients reach it, with",
            "porthole connect NAME --udp.",
            "Datagrams may be dropped (UDP promises no delivery); everything else goes to standard error."
        })
public class UdpCommand extends PortTunnelCommand {

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

    @Mixin
    UdpFlows flows;

    @Override
    StreamAcceptor acceptor() {
        return flows.upstream(vertx);
    }

    @Override
    TunnelSpec tunnel() {
        return TunnelSpec.udp(upstream, port, privateName.privateTunnel, privateName.name, option -> "--" + option);
    }
}
