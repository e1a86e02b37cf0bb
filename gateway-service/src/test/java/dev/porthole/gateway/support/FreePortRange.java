package dev.porthole.gateway.support;

import java.util.concurrent.ThreadLocalRandom;

/** Picks a range of ports that are all free now, for a test resource to give the gateway. */
final class FreePortRange {

    /** Binds a socket of the kind the range is for on {@code port}; the range's ports must all bind. */
    interface Probe {
        AutoCloseable bind(int port) throws Exception;
    }

    private FreePortRange() {}

    /** The first port of {@code size} free ones starting between {@code from} and {@code to}; 200 random tries. */
    static int first(int from, int to, int size, Probe probe, String kind) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(from, to);
            if (allFree(candidate, size, probe)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free range of " + size + " " + kind + " ports found");
    }

    private static boolean allFree(int base, int size, Probe probe) {
        for (int port = base; port < base + size; port++) {
            try {
                probe.bind(port).close();
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }
}
