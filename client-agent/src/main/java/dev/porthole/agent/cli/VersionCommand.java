package dev.porthole.agent.cli;

import dev.porthole.agent.login.CredentialStore;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.protocol.ProtocolVersion;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code porthole version}: the agent's version and protocol versions and, when a gateway is
 * configured (--server, SERVER or a saved login), the protocol version that gateway speaks with it,
 * from a handshake without tunnels.
 */
@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        description = {
            "Print the agent's version and the protocol versions it speaks.",
            "With a gateway configured (--server, SERVER or 'porthole login'), also the",
            "version the gateway chooses in a handshake without tunnels. Exit code 0, or",
            "that of the failed handshake (3 refused, 5 unreachable, 8 incompatible)."
        })
public class VersionCommand implements Callable<Integer> {

    /**
     * Set by {@link PortholeMain} when it printed the agent's lines before the boot: the booted
     * command then prints only the gateway's line.
     */
    static final String LOCAL_LINES_PRINTED = "porthole.version.local-lines-printed";

    @Mixin
    ConnectionOptions connection;

    @Inject
    AgentRunner runner;

    @Inject
    Vertx vertx;

    /** Prints the agent's own lines; true when a gateway is configured, whose version needs the handshake. */
    boolean printLocalLines() {
        PrintStream out = System.out;
        out.println("porthole " + AgentVersion.current());
        out.println("protocol " + ProtocolVersion.MIN + "-" + ProtocolVersion.MAX);
        out.println("java " + Runtime.version());
        out.flush();
        return gatewayConfigured();
    }

    private boolean gatewayConfigured() {
        connection.savedLogin(CredentialStore.forUser().load());
        return connection.server != null && !connection.server.isBlank();
    }

    @Override
    public Integer call() {
        boolean printed = Boolean.parseBoolean(System.clearProperty(LOCAL_LINES_PRINTED));
        if (printed ? !gatewayConfigured() : !printLocalLines()) {
            return AgentExit.NORMAL;
        }
        PrintStream out = System.out;
        AgentSettings settings;
        try {
            if (connection.maxRetries == 0) {
                connection.maxRetries = 1;
            }
            settings = runner.settings(connection, List.of());
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        GatewayHandshake.Outcome handshake = GatewayHandshake.run(vertx, settings, AgentVersion.current());
        if (!handshake.succeeded()) {
            if (handshake.failure().code() == AgentExit.NORMAL) {
                return AgentExit.NORMAL;
            }
            AgentRunner.fatal(handshake.failure().message());
            return handshake.failure().code();
        }
        out.println("gateway " + settings.server() + " protocol " + handshake.version());
        out.flush();
        return AgentExit.NORMAL;
    }
}
