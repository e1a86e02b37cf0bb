package dev.porthole.protocol.event;

/** How much an event matters; notification channels filter on a minimum severity. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    /** True if this severity is at least {@code minimum}. */
    public boolean atLeast(Severity minimum) {
        return compareTo(minimum) >= 0;
    }
}
