package dev.porthole.agent.cli;

import dev.porthole.agent.config.TunnelEntry;
import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.TunnelListener;
import dev.porthole.agent.upstream.RequestLog;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import io.quarkus.logging.Log;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the person running the agent sees. Standard output carries only the public addresses, one
 * per line, so that {@code URL=$(porthole http 3000 | head -1)} works; everything else goes to the
 * log on standard error. For {@code porthole start} standard output carries a table of the
 * tunnels instead ({@link StatusTable}).
 */
final class ConsoleReporter implements TunnelListener, RequestLog {

    private final PrintStream out;
    private final RequestLines requests;
    /** The entries of porthole.yml being started, in request order; null for a single-tunnel command. */
    private final List<TunnelEntry> entries;
    /** The public address each requested tunnel was last served at, by request position. */
    private final Map<Integer, String> addresses = new ConcurrentHashMap<>();
    /** Attempts that failed since the last connection, numbered in the log so a person sees it keeps trying. */
    private final AtomicInteger failedAttempts = new AtomicInteger();

    ConsoleReporter(PrintStream out, PrintStream err) {
        this(out, err, null);
    }

    ConsoleReporter(PrintStream out, PrintStream err, List<TunnelEntry> entries) {
        this.out = out;
        this.requests = new RequestLines(err);
        this.entries = entries == null ? null : List.copyOf(entries);
    }

    @Override
    public void connected(List<TunnelResult> results, boolean first) {
        if (TunnelListener.online(results)) {
            failedAttempts.set(0);
        }
        if (results.isEmpty()) {
            Log.infof("connected to the gateway; ready to dial");
        }
        if (entries != null) {
            connectedFromFile(results, first);
            return;
        }
        int firstRefused = firstRefusalLeftToTheExit(results);
        for (int i = 0; i < results.size(); i++) {
            TunnelResult result = results.get(i);
            String before = result.granted() && !result.publicAddress().isEmpty()
                    ? addresses.put(i, result.publicAddress())
                    : null;
            if (!result.granted()) {
                if (i != firstRefused) {
                    Log.errorf("tunnel '%s' refused (%d): %s", result.label(), result.status(), result.message());
                }
            } else if (result.publicAddress().isEmpty()) {
                Log.infof(
                        "private tunnel '%s' ready; granted clients reach it with: porthole connect %s%s --listen 127.0.0.1:<port>",
                        result.name(), result.name(), result.kind() == TunnelKind.UDP ? " --udp" : "");
            } else if (first) {
                out.println(result.publicAddress());
                out.flush();
                Log.infof("tunnel '%s' ready at %s", result.name(), result.publicAddress());
            } else if (before != null && !before.equals(result.publicAddress())) {
                // A public session's name ends with it; scripts reading standard output get the new address too.
                out.println(result.publicAddress());
                out.flush();
                Log.warnf(
                        "reconnected; the tunnel moved to %s (it was %s): without a token the gateway gives a new name to each"
                                + " connection; authenticate (--token) to keep one",
                        result.publicAddress(), before);
            } else {
                Log.infof("reconnected; tunnel '%s' at %s", result.name(), result.publicAddress());
            }
        }
    }

    private void connectedFromFile(List<TunnelResult> results, boolean first) {
        boolean anyGranted = results.stream().anyMatch(TunnelResult::granted);
        int firstRefused = firstRefusalLeftToTheExit(results);
        for (int i = 0; i < results.size() && i < entries.size(); i++) {
            TunnelResult result = results.get(i);
            if (!result.granted() && i != firstRefused) {
                Log.errorf(
                        "tunnel '%s' refused (%d): %s%s",
                        entries.get(i).label(),
                        result.status(),
                        result.message(),
                        anyGranted ? "; the other tunnels keep running" : "");
            }
        }
        if (!anyGranted) {
            return;
        }
        if (first) {
            StatusTable.lines(entries, results).forEach(out::println);
            out.flush();
        } else {
            Log.infof(
                    "reconnected; %d of %d tunnels served",
                    results.stream().filter(TunnelResult::granted).count(), results.size());
        }
    }

    /**
     * When no tunnel was granted the gateway ends the session and the agent exits with the first
     * refusal as its last line ({@code porthole: ...}): that one is not logged as well, so that it
     * is printed once. -1 when some tunnel was granted (every refusal is logged, the others run) or
     * when the gateway asks the agent to try again ({@link TunnelResult#tryAgainLater}: no exit line
     * follows, and the reason must be seen).
     */
    static int firstRefusalLeftToTheExit(List<TunnelResult> results) {
        if (results.stream().anyMatch(TunnelResult::granted) || TunnelResult.tryAgainLater(results)) {
            return -1;
        }
        for (int i = 0; i < results.size(); i++) {
            if (!results.get(i).granted()) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void notice(Notice notice) {
        switch (notice.level()) {
            case INFO -> Log.info(notice.text());
            case WARN -> Log.warn(notice.text());
            case ERROR -> Log.error(notice.text());
        }
    }

    @Override
    public void retrying(String reason, Duration retryIn) {
        Log.warn(retryLine(reason, failedAttempts.incrementAndGet(), retryIn));
    }

    /** {@code <reason>; attempt 3 failed, retrying in 2.1 s}: the log line of a failed attempt. */
    static String retryLine(String reason, int attempt, Duration retryIn) {
        return reason + "; attempt " + attempt + " failed, retrying in " + Backoff.spoken(retryIn);
    }

    @Override
    public void completed(String tunnel, String method, String uri, int status, Duration duration) {
        requests.completed(tunnel, method, uri, status, duration);
    }
}
