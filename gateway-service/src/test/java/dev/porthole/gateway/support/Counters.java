package dev.porthole.gateway.support;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Reads the gateway's counters in tests. */
public final class Counters {

    private Counters() {}

    /** The count of the series {@code name} with {@code tag}={@code value}; 0 before its first increment. */
    public static double count(MeterRegistry registry, String name, String tag, String value) {
        Counter counter = registry.find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }
}
