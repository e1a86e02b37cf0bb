package dev.porthole.agent.cli;

import picocli.CommandLine.Option;

/** {@code --private --name NAME} of the commands that publish a private tunnel ({@code tcp}, {@code udp}). */
public final class PrivateName {

    @Option(names = "--private", description = "Publish no port: only clients granted this tunnel's name may dial it.")
    boolean privateTunnel;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            defaultValue = "${env:TUNNEL_NAME}",
            description = "Name of a private tunnel (env TUNNEL_NAME).")
    String name;
}
