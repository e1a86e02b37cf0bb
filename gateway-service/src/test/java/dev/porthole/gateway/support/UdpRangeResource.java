package dev.porthole.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Gives the gateway a UDP port range of {@link #SIZE} ports that are free now, away from the default range. */
public final class UdpRangeResource implements QuarkusTestResourceLifecycleManager {

    public static final int SIZE = 8;

    @Override
    public Map<String, String> start() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(50_000, 60_000);
            if (allFree(candidate)) {
                return Map.of("porthole.gateway.udp.port-range", candidate + "-" + (candidate + SIZE - 1));
            }
        }
        throw new IllegalStateException("no free range of " + SIZE + " UDP ports found");
    }

    private static boolean allFree(int base) {
        for (int port = base; port < base + SIZE; port++) {
            try (DatagramSocket probe = new DatagramSocket(port)) {
                probe.setReuseAddress(true);
            } catch (SocketException e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void stop() {}
}
