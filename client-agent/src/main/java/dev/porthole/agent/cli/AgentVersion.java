package dev.porthole.agent.cli;

import dev.porthole.protocol.ProtocolVersion;
import picocli.CommandLine.IVersionProvider;

/** The agent's version, from its jar manifest. */
public final class AgentVersion implements IVersionProvider {

    public static String current() {
        String version = AgentVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"porthole " + current(), "protocol " + ProtocolVersion.MIN + "-" + ProtocolVersion.MAX};
    }
}
