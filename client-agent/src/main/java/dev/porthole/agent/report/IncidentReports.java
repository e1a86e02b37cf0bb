package dev.porthole.agent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.TunnelListener;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Posts what an operator must hear about to a webhook ({@code --report-url}): the fatal error that
 * stops the agent, and reconnect attempts failing again and again. Each is one JSON object
 * ({@code {"type","at","agentId","server","message",...}}). Reconnect failures are reported once
 * {@code failuresBeforeReport} attempts in a row have failed, then at most once per
 * {@code minInterval}; at most one report is in flight, and one that finds another in flight is
 * dropped (and counted in the next). The fatal report is always sent.
 */
public final class IncidentReports implements TunnelListener {

    private static final Logger LOG = Logger.getLogger(IncidentReports.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(5);

    private final URI url;
    private final String agentId;
    private final String server;
    private final int failuresBeforeReport;
    private final Duration minInterval;
    private final Clock clock;
    private final HttpClient client;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile Instant lastReport = Instant.MIN;

    public IncidentReports(
            Vertx vertx,
            URI url,
            String agentId,
            String server,
            int failuresBeforeReport,
            Duration minInterval,
            Clock clock) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("--report-url must be an http:// or https:// URL, was '" + url + "'");
        }
        this.url = url;
        this.agentId = agentId;
        this.server = server;
        this.failuresBeforeReport = failuresBeforeReport;
        this.minInterval = minInterval;
        this.clock = clock;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) POST_TIMEOUT.toMillis()));
    }

    @Override
    public void connected(List<TunnelResult> results, boolean first) {
        // A handshake that granted nothing ends in a retry too (TRY_AGAIN_LATER): it does not end the run of failures.
        if (TunnelListener.online(results)) {
            failures.set(0);
        }
    }

    @Override
    public void notice(Notice notice) {}

    @Override
    public void retrying(String reason, Duration retryIn) {
        int inARow = failures.incrementAndGet();
        Instant now = clock.instant();
        if (inARow < failuresBeforeReport || lastReport.plus(minInterval).isAfter(now)) {
            return;
        }
        if (!inFlight.compareAndSet(false, true)) {
            dropped.incrementAndGet();
            return;
        }
        lastReport = now;
        Map<String, Object> report = report("agent.reconnect-failing", reason);
        report.put("failuresInARow", inARow);
        report.put("retryInMs", retryIn.toMillis());
        report.put("droppedReports", dropped.getAndSet(0));
        post(report).onComplete(done -> inFlight.set(false));
    }

    /** Reports the exit that stops the agent; completes once posted, failed, or after five seconds. */
    public Future<Void> fatal(AgentExit exit) {
        Map<String, Object> report = report("agent.fatal", exit.message());
        report.put("exitCode", exit.code());
        return post(report).recover(error -> Future.succeededFuture());
    }

    private Map<String, Object> report(String type, String message) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("type", type);
        report.put("at", clock.instant().toString());
        report.put("agentId", agentId);
        report.put("server", server);
        report.put("message", message);
        return report;
    }

    private Future<Void> post(Map<String, Object> report) {
        Buffer body;
        try {
            body = Buffer.buffer(JSON.writeValueAsBytes(report));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url.toString())
                .setTimeout(POST_TIMEOUT.toMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        return client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .<Void>map(status -> {
                    if (status / 100 != 2) {
                        LOG.warnf(
                                "the report webhook %s answered %d to a %s report",
                                url.getHost(), status, report.get("type"));
                    }
                    return null;
                })
                .onFailure(error -> LOG.warnf(
                        "cannot post a %s report to %s: %s", report.get("type"), url.getHost(), error.getMessage()));
    }
}
