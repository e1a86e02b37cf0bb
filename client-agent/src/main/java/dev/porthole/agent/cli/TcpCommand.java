package dev.porthole.agent.cli;

import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.TcpUpstream;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code porthole tcp 22}: expose a local TCP service at a public port, or as a private tunnel. */
@Command(
        name = "tcp",
        mixinStandardHelpOptions = true,
        description = {
            "Expose a local TCP service at a public port, or as a private tunnel.",
            "Public: visitors reach it at the tcp://host:port printed on standard output.",
            "Private (--private --name NAME): only granted clients reach it, with",
            "'porthole connect NAME'. Everything else goes to standard error."
        })
public class TcpCommand extends PortTunnelCommand {

    @Parameters(
            index = "0",
            paramLabel = "<port|host:port>",
            description = "Local service: 22, db.local:5432 or [::1]:6379.")
    String upstream;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "${env:TUNNEL_PORT:-0}",
            description =
                    "Public port to ask for, from the gateway's range; 0 (default) for any free one (env TUNNEL_PORT).")
    int port;

    @Override
    StreamAcceptor acceptor() {
        return new TcpUpstream(vertx, Duration.ofSeconds(5));
    }

    @Override
    TunnelSpec tunnel() {
        return TunnelSpec.tcp(upstream, port, privateName.privateTunnel, privateName.name, option -> "--" + option);
    }
}
