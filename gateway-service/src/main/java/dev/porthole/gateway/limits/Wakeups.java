package dev.porthole.gateway.limits;

/** Runs a task after a delay: Vert.x timers in the gateway, a hand-cranked queue in tests. */
@FunctionalInterface
public interface Wakeups {

    void after(long nanos, Runnable task);
}
