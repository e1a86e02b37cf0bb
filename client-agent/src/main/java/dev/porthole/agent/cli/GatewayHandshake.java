package dev.porthole.agent.cli;

import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.TunnelClient;
import dev.porthole.agent.tunnel.TunnelListener;
import dev.porthole.protocol.message.ResetCode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One handshake without tunnels with the gateway, for commands that ask it something and leave:
 * {@code version} (which protocol version it chooses) and {@code login} (whether it takes the
 * credentials). The tunnel client's connection lines are for running agents; these commands print
 * their own.
 */
final class GatewayHandshake {

    /** How long the handshake may take in all. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The agent's log category, held here so that the level set on it stays (JUL keeps loggers weakly). */
    private static final Logger AGENT_LOG = Logger.getLogger("dev.porthole.agent");

    /**
     * The outcome: the protocol version the gateway chose, or why there was no handshake.
     *
     * @param version the protocol version, or 0 when {@code failure} says why there is none
     * @param failure the exit code and sentence of a failed handshake, or null
     */
    record Outcome(int version, AgentExit failure) {
        boolean succeeded() {
            return failure == null;
        }
    }

    private GatewayHandshake() {}

    static Outcome run(Vertx vertx, AgentSettings settings, String agentVersion) {
        // The connection's own INFO lines would read as if an agent were starting; the level is put back
        // afterwards, for whatever runs next in the same process.
        Level before = AGENT_LOG.getLevel();
        AGENT_LOG.setLevel(Level.WARNING);
        try {
            return handshake(vertx, settings, agentVersion);
        } finally {
            AGENT_LOG.setLevel(before);
        }
    }

    private static Outcome handshake(Vertx vertx, AgentSettings settings, String agentVersion) {
        CompletableFuture<Void> welcomed = new CompletableFuture<>();
        TunnelListener listener = TunnelListener.welcoming(welcomed);
        Backoff backoff = Backoff.halfSecondTo(settings.maxReconnectDelay());
        TunnelClient client = new TunnelClient(
                vertx,
                settings,
                (stream, open, tunnel) ->
                        stream.reset(ResetCode.NO_SUCH_TUNNEL, "this agent only checks the handshake"),
                listener,
                backoff,
                agentVersion);
        CompletableFuture<AgentExit> run = client.start().toCompletionStage().toCompletableFuture();
        try {
            CompletableFuture.anyOf(welcomed, run).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            client.stop();
            return failed(
                    AgentExit.UNREACHABLE,
                    "the gateway at " + settings.server() + " did not answer the handshake within "
                            + TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.stop();
            return failed(AgentExit.NORMAL, "interrupted");
        } catch (ExecutionException e) {
            return failed(AgentExit.UNREACHABLE, "the handshake failed: " + e.getCause());
        }
        client.stop();
        if (client.protocolVersion().isPresent()) {
            return new Outcome(client.protocolVersion().getAsInt(), null);
        }
        AgentExit exit = run.getNow(
                new AgentExit(AgentExit.UNREACHABLE, "no handshake with the gateway at " + settings.server()));
        return failed(exit.code() == AgentExit.NORMAL ? AgentExit.UNREACHABLE : exit.code(), exit.message());
    }

    private static Outcome failed(int code, String message) {
        return new Outcome(0, new AgentExit(code, message));
    }
}
