package dev.porthole.agent.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The {@code porthole} command. */
@TopCommand
@Command(
        name = "porthole",
        mixinStandardHelpOptions = true,
        versionProvider = AgentVersion.class,
        description = "Expose a local service through a Porthole gateway.",
        subcommands = {
            HttpCommand.class,
            TcpCommand.class,
            TlsCommand.class,
            UdpCommand.class,
            StartCommand.class,
            ConfigCommand.class,
            LoginCommand.class,
            LogoutCommand.class,
            StatusCommand.class,
            VersionCommand.class,
            ConnectCommand.class,
            ForwardCommand.class,
            DemoServerCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 stopped, 2 usage error, 3 credentials refused, 4 tunnel refused,",
            "5 gateway unreachable, 6 configuration error, 7 session ended by the gateway, 8 incompatible versions."
        })
public class PortholeCommand {}
