package dev.porthole.agent.screen;

import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelListener;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.RequestLog;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.TunnelResult;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The state behind the live status screen: hears the tunnel client's events, the forwarded
 * requests and the streams, and gives a {@link ScreenModel} snapshot to draw. Keeps the last
 * {@link #MAX_REQUESTS} requests only.
 */
public final class LiveScreen implements TunnelListener, RequestLog {

    static final int MAX_REQUESTS = 20;

    private final String version;
    private final String client;
    private final String server;
    private final List<TunnelSpec> specs;
    private final List<String> labels;
    private final Clock clock;
    private final ConnectionStats connections;
    private final Deque<ScreenModel.Request> requests = new ArrayDeque<>();
    private volatile List<TunnelResult> results = List.of();
    private volatile String state = "connecting";
    private volatile String message;
    private volatile String inspector = "off";
    private volatile boolean everOnline;
    /** Failed attempts since the last connection. */
    private volatile int attempts;

    private volatile Supplier<Optional<Duration>> latency = Optional::empty;
    private volatile Supplier<String> instance = () -> "";

    /**
     * @param client who the agent is to the gateway (its client id, or its agent id)
     * @param labels what to call each tunnel (porthole.yml's entries), or null
     */
    public LiveScreen(
            String version, String client, String server, List<TunnelSpec> specs, List<String> labels, Clock clock) {
        this.version = version;
        this.client = client;
        this.server = server;
        this.specs = List.copyOf(specs);
        this.labels = labels == null ? null : List.copyOf(labels);
        this.clock = clock;
        this.connections = new ConnectionStats(clock);
    }

    /** Where the latency and the gateway instance come from: the running client. */
    public void follow(Supplier<Optional<Duration>> roundTrip, Supplier<String> gatewayInstance) {
        this.latency = roundTrip;
        this.instance = gatewayInstance;
    }

    /** The inspector's URL, or why there is none. */
    public void inspector(String text) {
        this.inspector = text;
    }

    /** {@code acceptor}, counting each stream it is given from its opening to its close. */
    public StreamAcceptor counting(StreamAcceptor acceptor) {
        return (stream, open, tunnel) -> {
            long started = System.nanoTime();
            connections.opened();
            stream.closeHandler(() -> connections.closed(Duration.ofNanos(System.nanoTime() - started)));
            acceptor.accept(stream, open, tunnel);
        };
    }

    @Override
    public void connected(List<TunnelResult> answered, boolean first) {
        results = List.copyOf(answered);
        if (TunnelListener.online(answered)) {
            state = "online";
            everOnline = true;
            attempts = 0;
        }
        message = null;
        for (int i = 0; i < answered.size(); i++) {
            TunnelResult result = answered.get(i);
            if (!result.granted()) {
                message = "tunnel '" + label(i, result.label()) + "' refused (" + result.status() + "): "
                        + result.message();
            }
        }
    }

    @Override
    public void notice(Notice notice) {
        if (notice.level() != Notice.Level.INFO) {
            message = notice.text();
        }
    }

    @Override
    public void retrying(String reason, Duration retryIn) {
        int failed = ++attempts;
        state = (everOnline ? "reconnecting" : "connecting") + " (attempt " + failed + " failed; next in "
                + Backoff.spoken(retryIn) + ")";
        message = reason;
    }

    @Override
    public void completed(String tunnel, String method, String uri, int status, Duration duration) {
        ScreenModel.Request request = new ScreenModel.Request(LocalTime.now(clock), method, uri, status, duration);
        synchronized (requests) {
            if (requests.size() >= MAX_REQUESTS) {
                requests.removeLast();
            }
            requests.addFirst(request);
        }
    }

    /** What to draw now. */
    public ScreenModel model() {
        List<ScreenModel.Request> last;
        synchronized (requests) {
            last = new ArrayList<>(requests);
        }
        String gatewayInstance = instance.get();
        String gateway = gatewayInstance == null || gatewayInstance.isEmpty()
                ? server
                : server + " (instance " + gatewayInstance + ")";
        return new ScreenModel(
                version,
                state,
                message,
                client,
                gateway,
                latency.get().orElse(null),
                inspector,
                forwarding(),
                connections.snapshot(),
                last);
    }

    private List<ScreenModel.Forwarding> forwarding() {
        List<TunnelResult> answered = results;
        List<ScreenModel.Forwarding> lines = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            TunnelSpec spec = specs.get(i);
            TunnelResult result = i < answered.size() ? answered.get(i) : null;
            String to = spec.upstream().toString();
            if (result == null) {
                lines.add(new ScreenModel.Forwarding(waiting(i, spec), to));
            } else if (!result.granted()) {
                lines.add(new ScreenModel.Forwarding("'" + label(i, result.label()) + "' refused", to));
            } else if (result.publicAddress().isEmpty()) {
                lines.add(new ScreenModel.Forwarding("private '" + result.name() + "'", to));
            } else {
                lines.add(new ScreenModel.Forwarding(result.publicAddress(), to));
            }
        }
        return lines;
    }

    private String waiting(int index, TunnelSpec spec) {
        String name = label(index, spec.name());
        return name.isEmpty() ? "(waiting for the gateway)" : "'" + name + "' (waiting for the gateway)";
    }

    private String label(int index, String name) {
        return labels != null && index < labels.size() ? labels.get(index) : name;
    }
}
