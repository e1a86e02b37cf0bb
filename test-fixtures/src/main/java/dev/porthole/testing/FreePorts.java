package dev.porthole.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for tests: one that was free on the loopback interface a moment ago, for a process the test
 * starts, or for a connection that must find nothing listening; a run of them for a gateway's
 * TCP or UDP tunnel range.
 */
public final class FreePorts {

    private FreePorts() {}

    /**
     * A port between 21000 and 30000 that was free a moment ago on the loopback interface (and
     * nothing listens on it now). Below Linux's ephemeral range (32768 and up), so that no outgoing
     * connection of this or another test takes it between now and the moment a process binds it;
     * above the gateway's default TCP and UDP tunnel ranges (20000-20999), which it may not overlap.
     */
    public static int loopback() {
        return range(1, 21_000, 30_000, " loopback", port -> {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                probe.setReuseAddress(true);
            }
        });
    }

    /** The first of {@code size} consecutive TCP ports between 30000 and 40000 that were all free a moment ago. */
    public static int tcpRange(int size) {
        return range(size, 30_000, 40_000, "", port -> {
            try (ServerSocket probe = new ServerSocket(port)) {
                probe.setReuseAddress(true);
            }
        });
    }

    /** The first of {@code size} consecutive UDP ports between 40000 and 50000 that were all free a moment ago. */
    public static int udpRange(int size) {
        return range(size, 40_000, 50_000, " UDP", port -> {
            try (DatagramSocket probe = new DatagramSocket(port)) {
                probe.setReuseAddress(true);
            }
        });
    }

    /** Binds a port and lets it go again; throws when the port is taken. */
    private interface Probe {
        void bind(int port) throws IOException;
    }

    /** The first of {@code size} consecutive ports in [{@code from}, {@code to}) that {@code probe} could bind. */
    private static int range(int size, int from, int to, String kind, Probe probe) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(from, to - size + 1);
            boolean free = true;
            for (int port = first; port < first + size && free; port++) {
                try {
                    probe.bind(port);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no free range of " + size + kind + " ports");
    }
}
