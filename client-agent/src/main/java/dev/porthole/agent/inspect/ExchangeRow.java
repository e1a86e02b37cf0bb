package dev.porthole.agent.inspect;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One line of the request list, formatted for people.
 *
 * @param id          the exchange id
 * @param replayOf    the id it replays, or empty
 * @param time        local wall-clock time it started, {@code HH:mm:ss.SSS}
 * @param isoTime     the same as an ISO-8601 instant
 * @param method      the request method
 * @param uri         path and query
 * @param status      the status, or "…" while waiting, or the failure status
 * @param statusClass a CSS class: {@code s2} to {@code s5}, or {@code pending}
 * @param duration    like {@code 12 ms} or {@code 1.25 s}
 * @param size        the response body size, like {@code 1.2 KiB}
 */
public record ExchangeRow(
        long id,
        String replayOf,
        String time,
        String isoTime,
        String method,
        String uri,
        String status,
        String statusClass,
        String duration,
        String size) {

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    public static ExchangeRow of(CapturedExchange exchange) {
        int status = exchange.status();
        boolean waiting = exchange.state() == CapturedExchange.State.IN_PROGRESS && status == 0;
        return new ExchangeRow(
                exchange.id(),
                exchange.replayOf() == null ? "" : String.valueOf(exchange.replayOf()),
                CLOCK.format(exchange.startedAt()),
                exchange.startedAt().toString(),
                exchange.request().method(),
                exchange.request().uri(),
                waiting ? "…" : String.valueOf(status),
                waiting ? "pending" : "s" + Math.clamp(status / 100, 1, 5),
                duration(exchange.duration()),
                size(exchange.responseBody().totalBytes()));
    }

    /** Whether this exchange is a replay made from the inspector. */
    public boolean replay() {
        return !replayOf.isEmpty();
    }

    static String duration(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1000 ? millis + " ms" : String.format("%.2f s", millis / 1000.0);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
