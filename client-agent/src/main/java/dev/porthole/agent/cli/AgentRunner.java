package dev.porthole.agent.cli;

import dev.porthole.agent.forward.LocalListener;
import dev.porthole.agent.login.CredentialStore;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelClient;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a tunnel client until it ends, and stops it cleanly when the process is asked to stop. */
@ApplicationScoped
public class AgentRunner {

    private final Vertx vertx;
    private volatile TunnelClient running;

    public AgentRunner(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The settings of a run: the options, completed from the saved login (see ConnectionOptions for the order). */
    AgentSettings settings(ConnectionOptions options, List<TunnelSpec> tunnels) {
        options.savedLogin(CredentialStore.forUser().load());
        String agentId = "agent-" + UUID.randomUUID();
        return new AgentSettings(options.serverUri(), options.agentPath, options.authorization(), options.clientIdHeader(), agentId, tunnels,
                options.upstreamTimeout, 100, Duration.ofSeconds(30), options.maxRetries);
    }

    ConsoleReporter reporter() {
        return new ConsoleReporter(System.out, System.err);
    }

    int configError(String message) {
        fatal(message);
        return AgentExit.CONFIG_ERROR;
    }

    /** The last word of a run that failed: one line on standard error, for people and scripts alike. */
    static void fatal(String message) {
        System.err.println("porthole: " + message);
        System.err.flush();
    }

    AgentExit run(AgentSettings settings, StreamAcceptor acceptor, ConsoleReporter reporter) {
        return run(settings, client(settings, acceptor, reporter));
    }

    TunnelClient client(AgentSettings settings, StreamAcceptor acceptor, ConsoleReporter reporter) {
        Backoff backoff = new Backoff(Duration.ofMillis(500), settings.maxReconnectDelay(), Duration.ofSeconds(30), new SecureRandom(),
                Clock.systemUTC());
        return new TunnelClient(vertx, settings, acceptor, reporter, backoff, AgentVersion.current());
    }

    /**
     * Binds a local listener ({@code forward}, {@code connect}) and prints its address on standard
     * output as {@code tcp://host:port}; null, after printing why, when the address cannot be bound.
     */
    UpstreamAddress bind(LocalListener listener, UpstreamAddress asked) {
        int port;
        try {
            port = listener.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            fatal("cannot listen on " + asked + ": " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
            return null;
        }
        UpstreamAddress bound = new UpstreamAddress(asked.host(), port);
        System.out.println("tcp://" + bound);
        System.out.flush();
        return bound;
    }

    /** Runs a client until it stops for good; the exit says why. */
    AgentExit run(AgentSettings settings, TunnelClient client) {
        running = client;
        Log.infof("connecting to %s", settings.endpoint());
        try {
            AgentExit exit = client.start().toCompletionStage().toCompletableFuture().get();
            if (exit.code() != AgentExit.NORMAL) {
                fatal(exit.message());
            }
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.stop();
            return AgentExit.normal();
        } catch (ExecutionException e) {
            Log.error("the agent failed", e.getCause());
            fatal("the agent failed: " + e.getCause());
            return new AgentExit(1, String.valueOf(e.getCause()));
        } finally {
            running = null;
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        TunnelClient client = running;
        if (client != null) {
            client.stop();
        }
    }
}
