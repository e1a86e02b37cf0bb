package dev.porthole.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports for tests: one that was free on the loopback interface a moment ago, for a process the test
 * starts, or for a connection that must find nothing listening.
 */
public final class FreePorts {

    private FreePorts() {}

    /** A port that was free a moment ago on the loopback interface (and nothing listens on it now). */
    public static int loopback() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface: " + e.getMessage(), e);
        }
    }
}
