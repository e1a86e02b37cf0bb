package dev.porthole.agent.cli;

import dev.porthole.agent.upstream.ExchangeTap;
import dev.porthole.agent.upstream.HttpUpstream;
import dev.porthole.agent.upstream.RequestLog;
import io.vertx.core.Vertx;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How HTTP tunnels reach their local services; shared by {@code http} and {@code start}. */
public final class HttpServingOptions {

    @Option(
            names = "--max-upstream-connections",
            paramLabel = "N",
            defaultValue = "${env:MAX_UPSTREAM_CONNECTIONS:-100}",
            description = "Keep-alive connections kept to the local service (default ${DEFAULT-VALUE}).")
    int maxUpstreamConnections;

    HttpUpstream upstream(Vertx vertx, Duration timeout, RequestLog log, ExchangeTap tap) {
        return new HttpUpstream(vertx, maxUpstreamConnections, timeout, log, tap);
    }
}
