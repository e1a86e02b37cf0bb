package dev.porthole.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bytes and requests by one bounded tag (tunnel or client): a value gets its own series while it
 * holds a place in a {@link BoundedTagValues}, everything else counts under {@code other}, and a
 * value's series are removed from the registry when its last tunnel closes.
 */
final class TrafficSeries {

    private final MeterRegistry registry;
    private final String bytesName;
    private final String requestsName;
    private final String tag;
    private final BoundedTagValues values;
    private final Map<String, Meters> meters = new ConcurrentHashMap<>();
    private final Meters other;

    TrafficSeries(MeterRegistry registry, String bytesName, String requestsName, String tag, int limit) {
        this.registry = registry;
        this.bytesName = bytesName;
        this.requestsName = requestsName;
        this.tag = tag;
        this.values = new BoundedTagValues(limit);
        this.other = new Meters(BoundedTagValues.OTHER);
    }

    /** A tunnel using {@code value} opened. */
    synchronized void opened(String value) {
        if (values.hold(value)) {
            meters.computeIfAbsent(value, Meters::new);
        }
    }

    /** A tunnel using {@code value} closed; the value's series go when it was the last. */
    synchronized void closed(String value) {
        if (values.release(value)) {
            Meters gone = meters.remove(value);
            if (gone != null) {
                gone.remove();
            }
        }
    }

    void bytes(String value, long fromVisitors, long toVisitors) {
        Meters target = meters.getOrDefault(value, other);
        if (fromVisitors > 0) {
            target.bytesIn.increment(fromVisitors);
        }
        if (toVisitors > 0) {
            target.bytesOut.increment(toVisitors);
        }
    }

    void request(String value, String statusClass) {
        Counter counter = meters.getOrDefault(value, other).requests(statusClass);
        if (counter == null) {
            // The value's tunnel closed meanwhile: count it with the others rather than revive its series.
            counter = other.requests(statusClass);
        }
        counter.increment();
    }

    /** The series of one tag value. */
    private final class Meters {
        private final String value;
        private final Counter bytesIn;
        private final Counter bytesOut;
        private final Map<String, Counter> requests = new ConcurrentHashMap<>();
        private boolean removed;

        Meters(String value) {
            this.value = value;
            this.bytesIn = Counter.builder(bytesName)
                    .tag(tag, value)
                    .tag("direction", "in")
                    .description("bytes from visitors to agents")
                    .register(registry);
            this.bytesOut = Counter.builder(bytesName)
                    .tag(tag, value)
                    .tag("direction", "out")
                    .description("bytes from agents to visitors")
                    .register(registry);
        }

        synchronized Counter requests(String statusClass) {
            if (removed) {
                return null;
            }
            return requests.computeIfAbsent(
                    statusClass,
                    status -> Counter.builder(requestsName)
                            .tag(tag, value)
                            .tag("status", status)
                            .description("visitor HTTP requests, by status class")
                            .register(registry));
        }

        synchronized void remove() {
            removed = true;
            List<Meter> all = new ArrayList<>(requests.values());
            all.add(bytesIn);
            all.add(bytesOut);
            all.forEach(registry::remove);
        }
    }
}
