package dev.porthole.notification.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rate: so many permits per period, written {@code 20/1m}, {@code 5/1s} or {@code 100/60s}
 * (units ms, s, m, h).
 *
 * @param permits permits per period, at least 1
 * @param period the period, positive
 */
public record Rate(long permits, Duration period) {

    private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d+)\\s*(ms|s|m|h)\\s*");

    public Rate {
        if (permits < 1) {
            throw new IllegalArgumentException("a rate needs at least 1 permit, got " + permits);
        }
        if (period == null || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("a rate needs a positive period, got " + period);
        }
    }

    /** Parses {@code permits/period}; SmallRye Config uses it to convert configuration values. */
    public static Rate valueOf(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a rate; write permits/period such as 20/1m or 5/1s");
        }
        long amount = Long.parseLong(m.group(2));
        Duration period = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        return new Rate(Long.parseLong(m.group(1)), period);
    }

    @Override
    public String toString() {
        return permits + "/" + period.toMillis() + "ms";
    }
}
