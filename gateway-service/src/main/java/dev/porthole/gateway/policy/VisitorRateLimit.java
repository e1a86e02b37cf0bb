package dev.porthole.gateway.policy;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rate rule: at most {@code count} requests per {@code period} from one visitor address (an
 * IPv6 visitor counts as its /64), a Bucket4j token bucket per address that holds a whole
 * period's worth. The buckets of one tunnel are bounded: beyond {@code maxVisitors} the least
 * recently seen address is forgotten (and starts afresh if it comes back).
 */
final class VisitorRateLimit {

    private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(s|sec|second|m|min|minute|h|hour)");

    private final long count;
    private final Duration period;
    private final TimeMeter time;
    private final Map<String, Bucket> buckets;

    private VisitorRateLimit(long count, Duration period, TimeMeter time, int maxVisitors) {
        this.count = count;
        this.period = period;
        this.time = time;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxVisitors;
            }
        };
    }

    /** The rule for a rate such as {@code 100/min}; null for an empty text; a malformed one is added to {@code problems}. */
    static VisitorRateLimit of(String text, TimeMeter time, int maxVisitors, List<String> problems) {
        if (text.isBlank()) {
            return null;
        }
        Matcher matcher = RATE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            problems.add(
                    "rate-limit '" + text + "' is not a rate such as 100/min (a positive count per s, min or hour)");
            return null;
        }
        Duration period = switch (matcher.group(2).charAt(0)) {
            case 's' -> Duration.ofSeconds(1);
            case 'm' -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new VisitorRateLimit(Long.parseLong(matcher.group(1)), period, time, maxVisitors);
    }

    /** Takes one request for {@code visitor}; empty when admitted, else the seconds until the next one would be. */
    OptionalLong take(String visitor) {
        Bucket bucket;
        synchronized (buckets) {
            bucket = buckets.computeIfAbsent(
                    visitor,
                    ignored -> Bucket.builder()
                            .withCustomTimePrecision(time)
                            .addLimit(limit -> limit.capacity(count).refillGreedy(count, period))
                            .build());
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }

    /** Addresses with a bucket now. */
    int visitors() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    String describe() {
        return count + " requests per "
                + (period.toHours() == 1 ? "hour" : period.toMinutes() == 1 ? "minute" : "second");
    }
}
