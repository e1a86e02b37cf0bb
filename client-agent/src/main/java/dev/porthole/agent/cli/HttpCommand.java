package dev.porthole.agent.cli;

import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamHttpOptions;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code porthole http 3000}: expose a local HTTP service at a public URL. */
@Command(
        name = "http",
        mixinStandardHelpOptions = true,
        description = {
            "Expose a local HTTP service at a public URL.",
            "Prints the URL on standard output; request lines and everything else go to standard error."
        })
public class HttpCommand extends HttpServingCommand {

    @Parameters(
            index = "0",
            paramLabel = "<port|host:port>",
            description = "Local service: 3000, localhost:8080 or [::1]:8080.")
    String upstream;

    @Option(
            names = {"--subdomain", "--sub-domain"},
            paramLabel = "NAME",
            defaultValue = "${env:SUB_DOMAIN}",
            description = "Ask for http://NAME.<domain> instead of a random name (env SUB_DOMAIN).")
    String subdomain;

    @Option(
            names = "--host-header",
            paramLabel = "HOST|rewrite",
            defaultValue = "${env:HOST_HEADER}",
            description =
                    "Host header for the local service: 'rewrite' sends its own host:port, any other value that value; "
                            + "default: the visitor's (env HOST_HEADER).")
    String hostHeader;

    @Option(
            names = "--upstream-basic-auth",
            paramLabel = "USER:PASSWORD",
            defaultValue = "${env:UPSTREAM_BASIC_AUTH}",
            description =
                    "Send these credentials to the local service as HTTP basic auth, replacing the visitor's Authorization "
                            + "(env UPSTREAM_BASIC_AUTH).")
    String upstreamBasicAuth;

    @Option(
            names = "--upstream-tls",
            defaultValue = "${env:UPSTREAM_TLS:-false}",
            description = "The local service speaks HTTPS; its certificate is checked (env UPSTREAM_TLS).")
    boolean upstreamTls;

    @Option(
            names = "--upstream-tls-insecure",
            description = "The local service speaks HTTPS with a certificate that is not checked "
                    + "(self-signed development certificates).")
    boolean upstreamTlsInsecure;

    @Option(
            names = "--upstream-protocol",
            paramLabel = "http1|h2c|h2",
            defaultValue = "${env:UPSTREAM_PROTOCOL:-http1}",
            description = "The HTTP version spoken to the local service: http1 (default), h2c (HTTP/2 without TLS, "
                    + "for gRPC servers) or h2 (HTTP/2 over TLS) (env UPSTREAM_PROTOCOL).")
    String upstreamProtocol;

    @Mixin
    PolicyOptions policy;

    @Override
    public Integer call() {
        AgentSettings settings;
        try {
            settings = runner.settings(
                    connection,
                    List.of(TunnelSpec.http(
                                    upstream,
                                    subdomain,
                                    UpstreamHttpOptions.of(
                                            hostHeader,
                                            upstreamBasicAuth,
                                            upstreamTls || upstreamTlsInsecure,
                                            !upstreamTlsInsecure,
                                            upstreamProtocol,
                                            option -> "--" + option))
                            .withPolicy(policy.policy())));
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        return serve(settings, null, runner::reporter, http -> http);
    }
}
