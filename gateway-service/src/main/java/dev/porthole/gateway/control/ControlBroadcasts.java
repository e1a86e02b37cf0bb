package dev.porthole.gateway.control;

import dev.porthole.gateway.auth.AgentAuthenticator;
import dev.porthole.gateway.configfile.GatewayFileReload;
import dev.porthole.gateway.registry.RedisKeys;
import dev.porthole.gateway.tcp.PortMirrors;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.broadcast.BroadcastCodec;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.protocol.broadcast.MalformedBroadcastException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Listens on {@code <prefix>control} and acts at once: closes the local sessions a broadcast names
 * (a disabled or deleted client, a revoked credential, a retired signing secret, a kick) and tells
 * the authenticator to forget stale answers. On the same connection it listens on
 * {@code <prefix>config} and hands configuration files other gateways published to
 * {@link GatewayFileReload}, and on {@code <prefix>tcp-ports} for public TCP ports that changed hands
 * ({@link PortMirrors}). Uses its own Redis connection, re-established with a pause when Redis
 * goes away; after every (re)subscription every live session is checked again
 * ({@link SessionRechecks}), so that a revoke, disable or kick published meanwhile is not missed.
 */
@ApplicationScoped
public class ControlBroadcasts {

    private static final long RESUBSCRIBE_MILLIS = 1_000;

    private final Redis redis;
    private final Vertx vertx;
    private final String channel;
    private final String configChannel;
    private final String portsChannel;
    private final GatewayFileReload configFile;
    private final PortMirrors mirrors;
    private final LocalSessions sessions;
    private final AgentAuthenticator authenticator;
    private final SessionRechecks rechecks;
    private volatile boolean stopped;
    private volatile RedisConnection connection;
    private volatile boolean subscribed;

    public ControlBroadcasts(
            Redis redis,
            Vertx vertx,
            RedisKeys keys,
            LocalSessions sessions,
            AgentAuthenticator authenticator,
            GatewayFileReload configFile,
            PortMirrors mirrors,
            SessionRechecks rechecks) {
        this.redis = redis;
        this.vertx = vertx;
        this.channel = keys.control();
        this.configChannel = keys.config();
        this.configFile = configFile;
        this.portsChannel = keys.tcpPorts();
        this.mirrors = mirrors;
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.rechecks = rechecks;
    }

    void start(@Observes StartupEvent startup) {
        subscribe();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopped = true;
        RedisConnection current = connection;
        if (current != null) {
            current.close();
        }
    }

    /** Whether the subscription is live now (for health and tests). */
    public boolean isSubscribed() {
        return subscribed;
    }

    /** Applies one broadcast to this gateway's sessions. */
    public int apply(ControlBroadcast broadcast) {
        authenticator.forget(broadcast);
        int closed = 0;
        for (AgentSession session : sessions.all()) {
            if (broadcast.closes(session.sessionId(), session.principal())) {
                session.close(closeCode(broadcast), reason(broadcast));
                closed++;
            }
        }
        if (closed > 0) {
            Log.infof("%s: closed %d session(s)", broadcast, closed);
        }
        if (broadcast instanceof ControlBroadcast.ClientGrantsChanged changed) {
            // The broadcast names the client only: its grants of now come from the authenticator.
            rechecks.client(changed.clientId());
        }
        return closed;
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        redis.connect()
                .onSuccess(conn -> {
                    connection = conn;
                    conn.handler(this::onMessage);
                    conn.exceptionHandler(error -> lost(conn, error.getMessage()));
                    conn.endHandler(ignored -> lost(conn, "connection closed"));
                    conn.send(Request.cmd(Command.SUBSCRIBE)
                                    .arg(channel)
                                    .arg(configChannel)
                                    .arg(portsChannel))
                            .onSuccess(ok -> {
                                subscribed = true;
                                Log.debugf("subscribed to %s", channel);
                                // Broadcasts published while there was no subscription are lost: read the state of
                                // every live session again.
                                rechecks.all();
                            })
                            .onFailure(error -> lost(conn, error.getMessage()));
                })
                .onFailure(error -> lost(null, error.getMessage()));
    }

    private void lost(RedisConnection conn, String why) {
        if (conn != null && conn != connection) {
            return;
        }
        boolean wasSubscribed = subscribed;
        subscribed = false;
        connection = null;
        if (conn != null) {
            conn.close();
        }
        if (stopped) {
            return;
        }
        if (wasSubscribed) {
            Log.warnf(
                    "lost the subscription to %s (%s); broadcasts (client disabled, kicks) are missed until it is back",
                    channel, why);
        }
        vertx.setTimer(RESUBSCRIBE_MILLIS, id -> subscribe());
    }

    private void onMessage(Response response) {
        // RESP2: ["message", channel, payload]; RESP3: a push with the same three parts.
        if (response == null
                || (response.type() != ResponseType.PUSH && response.type() != ResponseType.MULTI)
                || response.size() < 3) {
            return;
        }
        if (!"message".equals(response.get(0).toString())) {
            return;
        }
        String payload = response.get(2).toString();
        if (configChannel.equals(response.get(1).toString())) {
            configFile.applyPublished(payload);
            return;
        }
        if (portsChannel.equals(response.get(1).toString())) {
            mirrors.changed(payload);
            return;
        }
        try {
            apply(BroadcastCodec.fromJson(payload));
        } catch (MalformedBroadcastException e) {
            Log.warnf("ignoring a malformed broadcast on %s: %s", channel, e.getMessage());
        }
    }

    private static CloseCode closeCode(ControlBroadcast broadcast) {
        return broadcast instanceof ControlBroadcast.SessionKicked ? CloseCode.KICKED : CloseCode.CREDENTIALS_REVOKED;
    }

    private static String reason(ControlBroadcast broadcast) {
        return switch (broadcast) {
            case ControlBroadcast.ClientDisabled b -> "client '" + b.clientId() + "' was disabled by an administrator";
            case ControlBroadcast.ClientDeleted b -> "client '" + b.clientId() + "' was deleted by an administrator";
            case ControlBroadcast.CredentialRevoked b -> "the credential this agent used was revoked; get a new one";
            case ControlBroadcast.SigningKeyRetired b ->
                "the secret that signed this agent's token was retired; get a new token";
            case ControlBroadcast.SessionKicked b -> "an administrator ended this session";
            case ControlBroadcast.ClientGrantsChanged b -> "the client's grants changed";
        };
    }
}
