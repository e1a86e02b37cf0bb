package dev.porthole.agent.cli;

import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.TcpUpstream;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code porthole tls 8443 --subdomain app}: expose a local TLS service by name, with TLS ending at the service itself. */
@Command(
        name = "tls",
        mixinStandardHelpOptions = true,
        description = {
            "Expose a local TLS service by name, with TLS ending at the service itself.",
            "Visitors reach tls://NAME.<domain> on the gateway's passthrough port (HTTPS, or any protocol over TLS).",
            "The gateway routes each connection by the name it asks for (SNI) without decrypting it,",
            "so the local service's own certificate, which must name NAME.<domain>, is what visitors see.",
            "Prints the public address on standard output; everything else goes to standard error."
        })
public class TlsCommand extends GatewayCommand {

    @Parameters(
            index = "0",
            paramLabel = "<port|host:port>",
            description = "The local TLS service, e.g. 8443 or app.local:443.")
    String upstream;

    @Option(
            names = {"--subdomain", "--sub-domain"},
            paramLabel = "NAME",
            defaultValue = "${env:SUB_DOMAIN}",
            description = "The name visitors ask for: NAME.<domain> (env SUB_DOMAIN); required.")
    String subdomain;

    @Override
    public Integer call() {
        return runner.runTunnel(
                connection,
                null,
                () -> new TcpUpstream(vertx, Duration.ofSeconds(5)),
                () -> TunnelSpec.tls(upstream, subdomain, option -> "--" + option));
    }
}
