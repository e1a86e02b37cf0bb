package dev.porthole.agent.inspect;

import java.util.Locale;

/**
 * Which exchanges a list shows: a status class (2xx to 5xx) and a piece of the path.
 *
 * @param statusClass 2, 3, 4 or 5; 0 for any status
 * @param path        text the request's path and query must contain; empty for any
 */
public record ExchangeFilter(int statusClass, String path) {

    public static final ExchangeFilter ALL = new ExchangeFilter(0, "");

    public ExchangeFilter {
        if (statusClass != 0 && (statusClass < 2 || statusClass > 5)) {
            throw new IllegalArgumentException("status class must be 2 to 5, was " + statusClass);
        }
        path = path == null ? "" : path.trim();
    }

    /** From query parameters: {@code status} is empty, {@code 2xx}, {@code 3xx}, {@code 4xx} or {@code 5xx}. */
    public static ExchangeFilter parse(String status, String path) {
        String text = status == null ? "" : status.trim().toLowerCase(Locale.ROOT);
        if (text.isEmpty() || text.equals("all")) {
            return new ExchangeFilter(0, path);
        }
        if (text.length() != 3 || !text.endsWith("xx") || text.charAt(0) < '2' || text.charAt(0) > '5') {
            throw new IllegalArgumentException("status filter '" + status + "' must be one of 2xx, 3xx, 4xx, 5xx");
        }
        return new ExchangeFilter(text.charAt(0) - '0', path);
    }

    /** The status filter as written in a query: {@code 4xx}, or empty. */
    public String status() {
        return statusClass == 0 ? "" : statusClass + "xx";
    }

    public boolean matches(CapturedExchange exchange) {
        if (statusClass != 0 && exchange.status() / 100 != statusClass) {
            return false;
        }
        return path.isEmpty() || exchange.request().uri().contains(path);
    }
}
