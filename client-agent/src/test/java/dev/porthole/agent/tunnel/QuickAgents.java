package dev.porthole.agent.tunnel;

import dev.porthole.protocol.message.ResetCode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Agents for the tunnel tests that reconnect within 50 to 200 ms and refuse every stream a gateway opens. */
final class QuickAgents {

    private QuickAgents() {}

    /** An agent {@code agentId} asking the gateway at {@code server} for {@code tunnels}; {@code more} sets anything else. */
    static TunnelClient client(
            Vertx vertx,
            String server,
            String agentId,
            List<TunnelSpec> tunnels,
            TunnelListener listener,
            Consumer<AgentSettings.Draft> more) {
        AgentSettings settings = AgentSettings.of(URI.create(server), agentId, draft -> {
            draft.tunnels = tunnels;
            draft.upstreamTimeout = Duration.ofSeconds(5);
            draft.maxUpstreamConnections = 1;
            draft.maxReconnectDelay = Duration.ofMillis(200);
            more.accept(draft);
        });
        return new TunnelClient(
                vertx,
                settings,
                (stream, open, tunnel) -> stream.reset(ResetCode.NO_SUCH_TUNNEL, "test"),
                listener,
                new Backoff(
                        Duration.ofMillis(50),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(30),
                        new SecureRandom(),
                        Clock.systemUTC()),
                "test");
    }
}
