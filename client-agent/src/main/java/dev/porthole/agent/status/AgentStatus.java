package dev.porthole.agent.status;

import dev.porthole.agent.tunnel.TunnelListener;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.RequestLog;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the running agent reports on {@code /api/status} and {@code porthole status} shows: its
 * tunnels as the gateway answered them, requests per tunnel, the connection's state and the last
 * errors (at most {@link #MAX_ERRORS}, oldest dropped).
 */
public final class AgentStatus implements TunnelListener, RequestLog {

    static final int MAX_ERRORS = 10;

    private final String agentId;
    private final String server;
    private final List<TunnelSpec> specs;
    private final List<String> labels;
    private final Clock clock;
    private final Instant startedAt;
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();
    private final Deque<JsonObject> errors = new ArrayDeque<>();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile List<TunnelResult> results = List.of();
    private volatile String state = "connecting";
    private volatile Instant connectedSince;

    /**
     * @param labels what to call each tunnel (the entries of porthole.yml), in request order; null to use the granted names
     */
    public AgentStatus(String agentId, String server, List<TunnelSpec> specs, List<String> labels, Clock clock) {
        this.agentId = agentId;
        this.server = server;
        this.specs = List.copyOf(specs);
        this.labels = labels == null ? null : List.copyOf(labels);
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    private record Counts(AtomicLong requests, AtomicLong failed) {}

    @Override
    public void connected(List<TunnelResult> results, boolean first) {
        this.results = List.copyOf(results);
        // An answer that grants nothing for now is a failed attempt, which retrying() reports next.
        if (TunnelListener.online(results)) {
            if (!first) {
                reconnects.incrementAndGet();
            }
            state = "connected";
            connectedSince = clock.instant();
        }
        for (int i = 0; i < results.size(); i++) {
            if (!results.get(i).granted()) {
                error("tunnel '" + label(i, results.get(i)) + "' refused ("
                        + results.get(i).status() + "): " + results.get(i).message());
            }
        }
    }

    @Override
    public void notice(Notice notice) {
        if (notice.level() != Notice.Level.INFO) {
            error(notice.text());
        }
    }

    @Override
    public void retrying(String reason, Duration retryIn) {
        state = "reconnecting";
        connectedSince = null;
        error(reason);
    }

    @Override
    public void completed(String tunnel, String method, String uri, int status, Duration duration) {
        Counts tunnelCounts = counts.computeIfAbsent(tunnel, name -> new Counts(new AtomicLong(), new AtomicLong()));
        tunnelCounts.requests().incrementAndGet();
        if (status >= 500) {
            tunnelCounts.failed().incrementAndGet();
        }
    }

    /** The agent's state as JSON: {@code {agentId, server, state, startedAt, connectedSince, reconnects, tunnels:[...], errors:[...]}}. */
    public JsonObject toJson() {
        JsonArray tunnels = new JsonArray();
        List<TunnelResult> answered = results;
        for (int i = 0; i < specs.size(); i++) {
            TunnelSpec spec = specs.get(i);
            TunnelResult result = i < answered.size() ? answered.get(i) : null;
            JsonObject tunnel = new JsonObject()
                    .put("name", result == null ? labelOf(i, spec.name()) : label(i, result))
                    .put("type", spec.kind().name().toLowerCase(Locale.ROOT))
                    .put("upstream", spec.upstream().toString())
                    // Rule names only: never a password, hash, secret or user name.
                    .put("policy", spec.policy().summary())
                    .put("state", result == null ? "waiting" : result.granted() ? "serving" : "refused")
                    .put("address", result == null ? "" : result.publicAddress());
            if (result != null && !result.granted()) {
                tunnel.put("error", result.message());
            }
            Counts tunnelCounts = result == null ? null : counts.get(result.name());
            tunnel.put(
                    "requests",
                    tunnelCounts == null ? 0 : tunnelCounts.requests().get());
            tunnel.put(
                    "failedRequests",
                    tunnelCounts == null ? 0 : tunnelCounts.failed().get());
            tunnels.add(tunnel);
        }
        JsonArray lastErrors;
        synchronized (errors) {
            lastErrors = new JsonArray(new ArrayList<>(errors));
        }
        Instant since = connectedSince;
        return new JsonObject()
                .put("agentId", agentId)
                .put("server", server)
                .put("state", state)
                .put("startedAt", startedAt.toString())
                .put("connectedSince", since == null ? null : since.toString())
                .put("reconnects", reconnects.get())
                .put("tunnels", tunnels)
                .put("errors", lastErrors);
    }

    private String label(int index, TunnelResult result) {
        return labelOf(index, result.label());
    }

    private String labelOf(int index, String name) {
        return labels != null && index < labels.size() ? labels.get(index) : name;
    }

    private void error(String message) {
        synchronized (errors) {
            if (errors.size() >= MAX_ERRORS) {
                errors.removeFirst();
            }
            errors.addLast(
                    new JsonObject().put("at", clock.instant().toString()).put("message", message));
        }
    }
}
