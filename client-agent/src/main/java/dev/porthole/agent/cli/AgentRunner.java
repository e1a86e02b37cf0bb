package dev.porthole.agent.cli;

import dev.porthole.agent.forward.LocalListener;
import dev.porthole.agent.inspect.Inspector;
import dev.porthole.agent.inspect.InspectorSettings;
import dev.porthole.agent.login.CredentialStore;
import dev.porthole.agent.login.TokenFeed;
import dev.porthole.agent.report.IncidentReports;
import dev.porthole.agent.screen.LiveScreen;
import dev.porthole.agent.screen.TerminalScreen;
import dev.porthole.agent.status.AgentStatus;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.tunnel.TunnelClient;
import dev.porthole.agent.tunnel.TunnelListener;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.ExchangeTap;
import dev.porthole.agent.upstream.RequestLog;
import dev.porthole.agent.upstream.UpstreamAddress;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs a tunnel client until it ends, and stops it cleanly when the process is asked to stop. */
@ApplicationScoped
public class AgentRunner {

    private final Vertx vertx;
    private static final int REPORT_AFTER_FAILURES = 3;
    private static final Duration REPORT_INTERVAL = Duration.ofMinutes(1);
    private static final Duration JWT_WARNING_LEAD = Duration.ofMinutes(5);
    private static final Duration JWT_CHECK_INTERVAL = Duration.ofSeconds(30);

    private volatile TunnelClient running;
    /** Tokens on standard input ({@code --token-stdin}), or null. */
    private volatile TokenFeed tokens;
    /** The report webhook ({@code --report-url}), or null. */
    private volatile IncidentReports reports;
    /** What {@code porthole status} shows; set with the settings of the run. */
    private volatile AgentStatus status;
    /** The live status screen's state and its drawing, while standard output is a terminal ({@link #screen}); else null. */
    private volatile LiveScreen live;

    private volatile TerminalScreen terminal;

    public AgentRunner(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The settings of a run: the options, completed from the saved login (see ConnectionOptions for the order). */
    AgentSettings settings(ConnectionOptions options, List<TunnelSpec> tunnels) {
        return settings(options, tunnels, null);
    }

    /** The same, naming the tunnels in the status by {@code labels} (porthole.yml's entries). */
    AgentSettings settings(ConnectionOptions options, List<TunnelSpec> tunnels, List<String> labels) {
        if (options.tokenStdin) {
            if (options.token != null && !options.token.isBlank()
                    || options.credentials != null && !options.credentials.isBlank()) {
                throw new IllegalArgumentException(
                        "--token-stdin takes the place of --token, --credentials, TOKEN and CREDENTIALS; give one of them");
            }
            tokens = new TokenFeed(
                    new InputStreamReader(System.in, StandardCharsets.UTF_8), Clock.systemUTC(), JWT_WARNING_LEAD);
            Log.info("waiting for a token on standard input (--token-stdin)");
            options.token = tokens.first();
        }
        options.savedLogin(CredentialStore.forUser().load());
        String agentId = "agent-" + UUID.randomUUID();
        if (options.reportUrl != null && !options.reportUrl.isBlank()) {
            URI url;
            try {
                url = URI.create(options.reportUrl.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--report-url '" + options.reportUrl + "' is not a URL: " + e.getMessage());
            }
            reports = new IncidentReports(
                    vertx,
                    url,
                    agentId,
                    options.serverUri().toString(),
                    REPORT_AFTER_FAILURES,
                    REPORT_INTERVAL,
                    Clock.systemUTC());
        }
        status = new AgentStatus(agentId, options.serverUri().toString(), tunnels, labels, Clock.systemUTC());
        return AgentSettings.of(options.serverUri(), agentId, draft -> {
            draft.agentPath = options.agentPath;
            draft.authorization = options.authorization();
            draft.clientId = options.clientIdHeader();
            draft.tunnels = tunnels;
            draft.upstreamTimeout = options.upstreamTimeout;
            draft.maxAttempts = options.maxRetries;
            draft.ha = options.ha();
            draft.connections = options.connections;
            draft.trust = options.trust();
            draft.firstConnectWindow = options.firstConnectTimeout;
        });
    }

    /**
     * Opens the live status screen when standard output is a terminal and {@code --log} is not
     * given; otherwise the run prints log lines as before. Call after {@link #settings}, before
     * {@link #inspector} (the screen silences the log's console output while it is up).
     *
     * @param labels what to call each tunnel (porthole.yml's entries), or null
     */
    void screen(ScreenOption option, AgentSettings settings, List<String> labels) {
        if (option.log) {
            return;
        }
        LiveScreen state = new LiveScreen(
                AgentVersion.current(),
                settings.clientId() != null ? settings.clientId() : settings.agentId(),
                settings.server().toString(),
                settings.tunnels(),
                labels,
                Clock.systemDefaultZone());
        TerminalScreen.open(state::model).ifPresent(screen -> {
            live = state;
            terminal = screen;
        });
    }

    ConsoleReporter reporter() {
        return new ConsoleReporter(System.out, System.err);
    }

    /** Where the HTTP upstream reports each request: the console's request lines and the status counts. */
    RequestLog requestLog(ConsoleReporter reporter) {
        AgentStatus counts = status;
        RequestLog shown = live != null ? live : reporter;
        return counts == null
                ? shown
                : (tunnel, method, uri, code, duration) -> {
                    shown.completed(tunnel, method, uri, code, duration);
                    counts.completed(tunnel, method, uri, code, duration);
                };
    }

    /** Starts the inspector with the run's status on /api/status. */
    ExchangeTap inspector(InspectorSettings settings) {
        AgentStatus current = status;
        ExchangeTap tap = Inspector.start(vertx, settings, current == null ? null : current::toJson)
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        LiveScreen screen = live;
        if (screen != null) {
            screen.inspector(
                    !settings.enabled()
                            ? "off (--no-inspect)"
                            : tap == ExchangeTap.NONE
                                    ? "not started: " + settings.address()
                                            + " is in use or cannot be bound (--inspect-address picks another)"
                                    : settings.url());
        }
        return tap;
    }

    /**
     * Runs the one tunnel of a {@code tcp}, {@code udp} or {@code tls} command line. The upstream
     * and then the tunnel are built from the options first: a mistake in them (an
     * {@link IllegalArgumentException}) is one line and {@link AgentExit#CONFIG_ERROR}.
     *
     * @param screen the command's {@code --log} option, or null for a command without the live screen
     */
    int runTunnel(
            ConnectionOptions connection,
            ScreenOption screen,
            Supplier<StreamAcceptor> upstream,
            Supplier<TunnelSpec> tunnel) {
        StreamAcceptor acceptor;
        AgentSettings settings;
        try {
            acceptor = upstream.get();
            settings = settings(connection, List.of(tunnel.get()));
        } catch (IllegalArgumentException e) {
            return configError(e.getMessage());
        }
        if (screen != null) {
            screen(screen, settings, null);
        }
        return run(settings, acceptor, reporter()).code();
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
        Backoff backoff = Backoff.halfSecondTo(settings.maxReconnectDelay());
        IncidentReports webhook = reports;
        LiveScreen screen = live;
        TunnelListener shown = screen != null ? screen : reporter;
        TunnelListener listener = status == null ? shown : shown.andThen(status);
        TunnelClient client = new TunnelClient(
                vertx,
                settings,
                screen != null ? screen.counting(acceptor) : acceptor,
                webhook == null ? listener : listener.andThen(webhook),
                backoff,
                AgentVersion.current());
        if (screen != null) {
            screen.follow(client::roundTrip, () -> client.instances().getFirst());
        }
        return client;
    }

    /**
     * Binds a local listener ({@code forward}, {@code connect}) and prints its address on standard
     * output as {@code tcp://host:port}; null, after printing why, when the address cannot be bound.
     */
    UpstreamAddress bind(LocalListener listener, UpstreamAddress asked) {
        return bind(listener.start(), asked, "tcp");
    }

    /** Waits for a local socket to be bound and prints {@code scheme://host:port}; null (and said why) when it failed. */
    UpstreamAddress bind(Future<Integer> started, UpstreamAddress asked, String scheme) {
        int port;
        try {
            port = started.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            fatal("cannot listen on " + asked + ": "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
            return null;
        }
        UpstreamAddress bound = new UpstreamAddress(asked.host(), port);
        System.out.println(scheme + "://" + bound);
        System.out.flush();
        return bound;
    }

    /** Runs a client until it stops for good; the exit says why. */
    AgentExit run(AgentSettings settings, TunnelClient client) {
        running = client;
        settings.trust().warnings(settings.server()).forEach(warning -> Log.warn(warning));
        if (settings.connections() > 1) {
            Log.infof(
                    "connecting to %s (%d connections taking turns with the HTTP tunnels' requests)",
                    settings.endpoint(), settings.connections());
        } else {
            Log.infof(
                    settings.ha()
                            ? "connecting to %s (HA: two connections, to two gateway instances)"
                            : "connecting to %s",
                    settings.endpoint());
        }
        long expiryCheck = followTokens(client);
        try {
            AgentExit exit =
                    client.start().toCompletionStage().toCompletableFuture().get();
            closeScreen();
            if (exit.code() != AgentExit.NORMAL) {
                fatal(exit.message());
                report(exit);
            }
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.stop();
            return AgentExit.normal();
        } catch (ExecutionException e) {
            closeScreen();
            Log.error("the agent failed", e.getCause());
            fatal("the agent failed: " + e.getCause());
            AgentExit failed = new AgentExit(1, String.valueOf(e.getCause()));
            report(failed);
            return failed;
        } finally {
            closeScreen();
            running = null;
            if (expiryCheck >= 0) {
                vertx.cancelTimer(expiryCheck);
            }
        }
    }

    /** Posts the exit to the report webhook, waiting a few seconds at most so that the process can end. */
    private void report(AgentExit exit) {
        IncidentReports webhook = reports;
        if (webhook != null) {
            try {
                webhook.fatal(exit).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                Log.warnf("the fatal error was not reported: %s", e.getMessage());
            }
        }
    }

    /** With --token-stdin: hands each new token to the client, and warns while the current JWT is close to expiry. */
    private long followTokens(TunnelClient client) {
        TokenFeed feed = tokens;
        if (feed == null) {
            return -1;
        }
        feed.follow(token -> client.renewAuthorization("Bearer " + token));
        feed.expiryWarning().ifPresent(Log::warn);
        return vertx.setPeriodic(
                JWT_CHECK_INTERVAL.toMillis(), id -> feed.expiryWarning().ifPresent(Log::warn));
    }

    /** Leaves the status screen (the terminal gets its lines back), so that what follows is printed on the shell's screen. */
    private void closeScreen() {
        TerminalScreen screen = terminal;
        if (screen != null) {
            terminal = null;
            screen.close();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        TunnelClient client = running;
        if (client != null) {
            client.stop();
        }
        closeScreen();
    }
}
