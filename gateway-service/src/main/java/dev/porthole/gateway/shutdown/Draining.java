package dev.porthole.gateway.shutdown;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this gateway is shutting down: once set, the public listeners refuse new requests,
 * agent connections and TCP connections while those already open finish.
 */
@ApplicationScoped
public class Draining {

    private volatile boolean active;

    /** True from the moment shutdown starts. */
    public boolean active() {
        return active;
    }

    void begin() {
        active = true;
    }
}
