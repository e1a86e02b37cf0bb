package dev.porthole.gateway.control;

import dev.porthole.gateway.logging.LogFields;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.registry.SessionRecord;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * What one agent session tells the rest of the system about itself: the session record in Redis
 * that the admin API and the console list, the connected/disconnected events and metrics, and its
 * log lines. {@link AgentSession} decides when; this class knows the shapes.
 */
final class SessionReports {

    private final SessionServices services;
    private final MuxSession mux;
    private final String sessionId;
    private final String agentId;
    private final String remoteAddress;
    /** Epoch milliseconds: a field rather than an {@code Instant} object for every idle session. */
    private final long connectedAt = System.currentTimeMillis();
    /** Whether this session's connect and disconnect are logged (see {@link AgentSession}'s constructor). */
    private final boolean logsLifecycle;

    SessionReports(
            SessionServices services,
            MuxSession mux,
            String sessionId,
            String agentId,
            String remoteAddress,
            boolean logsLifecycle) {
        this.services = services;
        this.mux = mux;
        this.sessionId = sessionId;
        this.agentId = agentId;
        this.remoteAddress = remoteAddress;
        this.logsLifecycle = logsLifecycle;
    }

    Instant connectedAt() {
        return Instant.ofEpochMilli(connectedAt);
    }

    /** The handshake is done and the tunnels are held: record, count, announce and log the session. */
    void connected(String clientId, String agentVersion, List<GrantedTunnel> held, Function<String, String> policy) {
        publishRecord(clientId, held, policy);
        services.metrics().agentConnected();
        services.events()
                .publish(new PortholeEvent.AgentConnected(
                        services.instance().id(), sessionId, clientId, agentId, remoteAddress, agentVersion));
        if (logsLifecycle) {
            List<String> names = held.stream().map(GrantedTunnel::name).toList();
            try (LogFields fields = LogFields.of(clientId, String.join(",", names))) {
                Log.infof(
                        "agent connected: session %s, client %s, from %s, agent %s, tunnels %s",
                        sessionId,
                        clientId,
                        remoteAddress,
                        agentVersion,
                        held.stream().map(GrantedTunnel::publicAddress).toList());
            }
        }
    }

    /**
     * An active session ended. Logged first, before its tunnels are released (their lines follow this
     * one); {@link #disconnected} then drops the record and announces it.
     */
    void logDisconnect(String clientId, int code, String reason) {
        if (logsLifecycle) {
            try (LogFields fields = LogFields.client(clientId)) {
                Log.infof(
                        "agent disconnected: session %s, client %s, %s (%d), after %d ms, %d bytes in, %d bytes out",
                        sessionId,
                        clientId,
                        PeerText.escape(reason),
                        code,
                        age().toMillis(),
                        mux.bytesReceived(),
                        mux.bytesSent());
            }
        }
    }

    /** An active session ended and its tunnels are released: drop its record, count and announce it. */
    void disconnected(String clientId, int code, String reason) {
        services.directory()
                .remove(sessionId)
                .onFailure(e -> Log.debugf("could not remove session record %s: %s", sessionId, e.getMessage()));
        services.metrics().agentDisconnected();
        services.events()
                .publish(new PortholeEvent.AgentDisconnected(
                        services.instance().id(),
                        sessionId,
                        clientId,
                        remoteAddress,
                        code,
                        reason,
                        age().toMillis(),
                        mux.bytesReceived(),
                        mux.bytesSent()));
    }

    private Duration age() {
        return Duration.ofMillis(System.currentTimeMillis() - connectedAt);
    }

    /** The connection ended before the session became active. */
    void closedDuringHandshake(String clientId, int code, String reason) {
        if (logsLifecycle) {
            Log.infof(
                    "agent connection %s (client %s) closed during the handshake: %s (%d)",
                    sessionId, clientId, PeerText.escape(reason), code);
        }
    }

    /** A public session reached the end of its lifetime. */
    void expired(List<String> tunnelNames) {
        services.events()
                .publish(new PortholeEvent.PublicSessionExpired(
                        services.instance().id(), sessionId, remoteAddress, String.join(",", tunnelNames)));
    }

    /**
     * Writes the session's record (its tunnels, their policies and its byte counts) for the admin API
     * and the console.
     *
     * @param policy a tunnel's edge policy, described, by tunnel name
     */
    void publishRecord(String clientId, List<GrantedTunnel> held, Function<String, String> policy) {
        SessionRecord record = new SessionRecord(
                sessionId,
                services.instance().id(),
                clientId,
                agentId,
                remoteAddress,
                connectedAt(),
                held.stream()
                        .map(t -> new SessionRecord.TunnelEntry(
                                t.kindName(), t.name(), t.publicAddress(), policy.apply(t.name())))
                        .toList(),
                mux.bytesReceived(),
                mux.bytesSent(),
                mux.streamsOpened());
        services.directory()
                .publish(record)
                .onFailure(e -> Log.debugf("could not publish session record %s: %s", sessionId, e.getMessage()));
    }
}
