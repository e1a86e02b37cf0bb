package dev.porthole.gateway.limits;

/** Where limit hits go: a metric for every hit, and a {@code limit.hit} event for some. */
@FunctionalInterface
interface LimitReporter {

    /** A limit bit; {@code publish} when this one should also become an event (they are rate-limited per tunnel and kind). */
    void hit(String clientId, String tunnel, LimitKind kind, String detail, boolean publish);
}
