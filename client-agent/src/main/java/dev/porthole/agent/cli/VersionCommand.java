package dev.porthole.agent.cli;

import dev.porthole.agent.login.CredentialStore;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.TunnelClient;
import dev.porthole.agent.tunnel.TunnelListener;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code porthole version}: the agent's version and protocol versions and, when a gateway is
 * configured (--server, SERVER or a saved login), the protocol version that gateway speaks with it,
 * from a handshake without tunnels.
 */
@Command(name = "version", mixinStandardHelpOptions = true, description = {"Print the agent's version and the protocol versions it speaks;",
        "with a gateway configured (--server, SERVER or 'porthole login'), also the version the gateway chooses in a handshake",
        "without tunnels. Exit code 0, or that of the failed handshake (3 refused, 5 unreachable, 8 incompatible)."})
public class VersionCommand implements Callable<Integer> {

    /** The agent's log category, held here so that the level set on it stays (JUL keeps loggers weakly). */
    private static final Logger AGENT_LOG = Logger.getLogger("dev.porthole.agent");

    /** How long the handshake with the gateway may take in all. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);

    @Mixin
    ConnectionOptions connection;

    @Inject
    AgentRunner runner;

    @Inject
    Vertx vertx;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        out.println("porthole " + AgentVersion.current());
        out.println("protocol " + ProtocolVersion.MIN + "-" + ProtocolVersion.MAX);
        out.println("java " + Runtime.version());
        out.flush();
        connection.savedLogin(CredentialStore.forUser().load());
        if (connection.server == null || connection.server.isBlank()) {
            return AgentExit.NORMAL;
        }
        AgentSettings settings;
        try {
            if (connection.maxRetries == 0) {
                connection.maxRetries = 1;
            }
            settings = runner.settings(connection, List.of());
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        // The tunnel client's connection lines are for running agents; this command prints its own.
        AGENT_LOG.setLevel(Level.WARNING);
        CompletableFuture<Void> welcomed = new CompletableFuture<>();
        TunnelListener listener = new TunnelListener() {
            @Override
            public void connected(List<TunnelResult> results, boolean first) {
                welcomed.complete(null);
            }

            @Override
            public void notice(Notice notice) {
            }

            @Override
            public void retrying(String reason, Duration retryIn) {
            }
        };
        Backoff backoff = new Backoff(Duration.ofMillis(500), settings.maxReconnectDelay(), Duration.ofSeconds(30), new SecureRandom(), Clock.systemUTC());
        TunnelClient client = new TunnelClient(vertx, settings, (stream, open, tunnel) -> stream.reset(ResetCode.NO_SUCH_TUNNEL, "this agent only asks for versions"),
                listener, backoff, AgentVersion.current());
        CompletableFuture<AgentExit> run = client.start().toCompletionStage().toCompletableFuture();
        try {
            CompletableFuture.anyOf(welcomed, run).get(HANDSHAKE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            client.stop();
            AgentRunner.fatal("the gateway at " + settings.server() + " did not answer the handshake within " + HANDSHAKE_TIMEOUT.toSeconds() + " s");
            return AgentExit.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.stop();
            return AgentExit.NORMAL;
        } catch (ExecutionException e) {
            AgentRunner.fatal("the handshake failed: " + e.getCause());
            return AgentExit.UNREACHABLE;
        }
        client.stop();
        OptionalInt version = client.protocolVersion();
        if (version.isEmpty()) {
            AgentExit exit = run.getNow(new AgentExit(AgentExit.UNREACHABLE, "no handshake with the gateway at " + settings.server()));
            AgentRunner.fatal(exit.message());
            return exit.code() == AgentExit.NORMAL ? AgentExit.UNREACHABLE : exit.code();
        }
        out.println("gateway " + settings.server() + " protocol " + version.getAsInt());
        out.flush();
        return AgentExit.NORMAL;
    }
}
