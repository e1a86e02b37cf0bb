package dev.porthole.agent.dial;

import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.GatewayTrust;
import dev.porthole.agent.tunnel.LoggingTunnelListener;
import dev.porthole.agent.tunnel.TunnelClient;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Dials private tunnels from Java code, without the CLI: one connection to the gateway, and a
 * {@link TunnelSocket} (a blocking duplex byte stream, like {@link java.net.Socket}) per dial.
 *
 * <pre>{@code
 * try (PrivateTunnels tunnels = PrivateTunnels.connect(URI.create("https://gateway.example.com"),
 *         "Basic " + base64("alice:" + secret), Duration.ofSeconds(10));
 *      TunnelSocket db = tunnels.dial("db")) {
 *     db.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
 *     db.shutdownOutput();                       // half-close: the far side sees end of input
 *     byte[] answer = db.getInputStream().readAllBytes();
 * }
 * }</pre>
 *
 * The gateway checks on every dial that the authenticated client is granted the tunnel's name; a
 * refused dial fails the socket's streams with an {@link IOException} naming the reason. The
 * connection reconnects with back-off like the agent does.
 */
public final class PrivateTunnels implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PrivateTunnels.class);

    private final Vertx vertx;
    private final TunnelClient client;

    private PrivateTunnels(Vertx vertx, TunnelClient client) {
        this.vertx = vertx;
        this.client = client;
    }

    /**
     * Connects to the gateway and waits until it accepted the session.
     *
     * @param server the gateway's URL, e.g. {@code https://gateway.example.com}
     * @param authorization the {@code Authorization} header: {@code Bearer <token or JWT>} or {@code Basic <base64 id:secret>}
     * @param timeout how long to wait for the gateway
     * @throws IOException when the gateway refuses or cannot be reached in time
     */
    public static PrivateTunnels connect(URI server, String authorization, Duration timeout) throws IOException {
        return connect(server, authorization, timeout, GatewayTrust.SYSTEM);
    }

    /**
     * The same, checking the gateway's TLS certificate with {@code trust} (a private CA, pinned keys)
     * instead of the system trust store.
     *
     * @throws IOException also when the gateway's certificate does not verify
     */
    public static PrivateTunnels connect(URI server, String authorization, Duration timeout, GatewayTrust trust)
            throws IOException {
        trust.warnings(server).forEach(LOG::warn);
        Vertx vertx = Vertx.vertx();
        CompletableFuture<Void> connected = new CompletableFuture<>();
        AgentSettings settings = AgentSettings.of(server, "dialer-" + UUID.randomUUID(), draft -> {
            draft.authorization = authorization;
            draft.upstreamTimeout = Duration.ofSeconds(60);
            draft.maxUpstreamConnections = 0;
            draft.trust = trust;
        });
        TunnelClient client = new TunnelClient(
                vertx,
                settings,
                (stream, open, tunnel) -> stream.reset(ResetCode.NO_SUCH_TUNNEL, "this client only dials"),
                new LoggingTunnelListener(LOG) {
                    @Override
                    public void connected(List<TunnelResult> results, boolean first) {
                        connected.complete(null);
                    }
                },
                Backoff.halfSecondTo30Seconds(),
                "java-api");
        client.start().onSuccess(exit -> connected.completeExceptionally(new IOException(describe(exit))));
        PrivateTunnels tunnels = new PrivateTunnels(vertx, client);
        try {
            connected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return tunnels;
        } catch (ExecutionException e) {
            tunnels.close();
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            tunnels.close();
            throw new IOException(
                    "the gateway at " + server + " did not accept the session within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tunnels.close();
            throw new IOException("interrupted while connecting", e);
        }
    }

    /**
     * Opens a connection to the private tunnel {@code name}. Returns at once; a refusal (not
     * granted, nobody publishes it) surfaces on the first read or write.
     *
     * @throws IOException while the connection to the gateway is down
     */
    public TunnelSocket dial(String name) throws IOException {
        try {
            return new TunnelSocket(client.dial(name, "java-api"));
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Ends the session; open sockets break off. */
    @Override
    public void close() {
        client.stop();
        vertx.close();
    }

    private static String describe(AgentExit exit) {
        return exit.message() + " (exit " + exit.code() + ")";
    }
}
