package dev.porthole.agent.cli;

import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelSpec;
import picocli.CommandLine.Mixin;

/**
 * A command that runs one tunnel at a public port or as a private tunnel ({@code tcp},
 * {@code udp}), with the live status screen unless {@code --log}.
 */
abstract class PortTunnelCommand extends GatewayCommand {

    @Mixin
    PrivateName privateName;

    @Mixin
    ScreenOption screen;

    /** What serves the tunnel's streams; throws {@link IllegalArgumentException} for a bad option. */
    abstract StreamAcceptor acceptor();

    /** The tunnel to ask for; throws {@link IllegalArgumentException} for a bad option. */
    abstract TunnelSpec tunnel();

    @Override
    public Integer call() {
        return runner.runTunnel(connection, screen, this::acceptor, this::tunnel);
    }
}
