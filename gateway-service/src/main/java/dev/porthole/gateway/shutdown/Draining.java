package dev.porthole.gateway.shutdown;

import jakarta.inject.Singleton;

/**
 * How far this gateway is into stopping. From SIGTERM it is {@linkplain #stopping() stopping}:
 * readiness is down and agents' connection attempts are refused (they go to another gateway), but
 * visitors are served as usual so that a load balancer can take it out of rotation first. Then it
 * is {@linkplain #active() draining}: agents are told to reconnect elsewhere, every response closes
 * its connection, and the gateway waits for open work to finish.
 */
@Singleton
public class Draining {

    private volatile boolean stopping;
    private volatile boolean active;

    /** True from the moment shutdown starts (SIGTERM), the pre-drain delay included. */
    public boolean stopping() {
        return stopping;
    }

    /** True from the end of the pre-drain delay: the drain proper. */
    public boolean active() {
        return active;
    }

    void announce() {
        stopping = true;
    }

    void begin() {
        stopping = true;
        active = true;
    }
}
