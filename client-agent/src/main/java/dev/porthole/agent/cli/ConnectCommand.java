package dev.porthole.agent.cli;

import dev.porthole.agent.dial.UdpDialer;
import dev.porthole.agent.forward.LocalListener;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.TunnelClient;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.relay.RelayEnd;
import dev.porthole.protocol.relay.StreamEnd;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code porthole connect db --listen 127.0.0.1:15432}: a local port whose connections reach a private tunnel through the gateway. */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        description = {
            "Open a local port that reaches a private tunnel through the gateway.",
            "With --udp, a local UDP port that reaches a private UDP tunnel (porthole udp 53 --private --name NAME).",
            "The tunnel is served elsewhere by: porthole tcp 5432 --private --name db",
            "The gateway checks that this client may dial it on every connection.",
            "Prints the local address on standard output."
        })
public class ConnectCommand extends GatewayCommand {

    @Parameters(index = "0", paramLabel = "<name>", description = "The private tunnel to dial.")
    String name;

    @Option(
            names = {"--listen", "--local-port"},
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:0",
            description =
                    "Local address to listen on, e.g. 127.0.0.1:15432 or just 15432 (default: a free port on 127.0.0.1).")
    String listen;

    @Option(
            names = "--udp",
            description = "Dial a private UDP tunnel (porthole udp 53 --private --name NAME): the local port is a UDP"
                    + " socket, each local source address and port one flow.")
    boolean udp;

    @Mixin
    UdpFlows flows;

    @Mixin
    LocalLimits limits;

    @Override
    public Integer call() {
        AgentSettings settings;
        UpstreamAddress listenAddress;
        try {
            listenAddress = UpstreamAddress.parseListen(listen);
            settings = runner.settings(connection, List.of());
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        ConsoleReporter reporter = runner.reporter();
        String tunnel = name.trim().toLowerCase(Locale.ROOT);
        if (udp) {
            return dialUdp(settings, listenAddress, tunnel, reporter);
        }
        TunnelClient client = runner.client(
                settings,
                (stream, open, spec) -> stream.reset(ResetCode.NO_SUCH_TUNNEL, "this agent only dials"),
                reporter);
        LocalListener listener;
        try {
            listener = new LocalListener(vertx, listenAddress, limits.maxConnections, limits.idleTimeout, source -> {
                try {
                    return Future.<RelayEnd>succeededFuture(new StreamEnd(client.dial(tunnel, source)));
                } catch (IllegalStateException e) {
                    return Future.failedFuture(e);
                }
            });
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        UpstreamAddress bound = runner.bind(listener, listenAddress);
        if (bound == null) {
            return AgentExit.CONFIG_ERROR;
        }
        Log.infof("connections to %s go to private tunnel '%s'", bound, tunnel);
        AgentExit exit = runner.run(settings, client);
        listener.close();
        return exit.code();
    }

    /** {@code --udp}: a local UDP socket whose flows reach the private UDP tunnel. */
    private int dialUdp(
            AgentSettings settings, UpstreamAddress listenAddress, String tunnel, ConsoleReporter reporter) {
        UdpDialer dialer;
        try {
            dialer = new UdpDialer(vertx, tunnel, flows.idleTimeout, flows.maxFlows());
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        TunnelClient client = runner.client(settings, dialer, reporter);
        dialer.dialThrough(client::dialDatagrams);
        UpstreamAddress bound = runner.bind(dialer.listen(listenAddress), listenAddress, "udp");
        if (bound == null) {
            return AgentExit.CONFIG_ERROR;
        }
        Log.infof("datagrams to udp://%s go to private UDP tunnel '%s'", bound, tunnel);
        AgentExit exit = runner.run(settings, client);
        dialer.close();
        return exit.code();
    }
}
