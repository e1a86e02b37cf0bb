package dev.porthole.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Gives the gateway a TCP port range of {@link #SIZE} ports that are free now, away from the default range other runs may use. */
public final class TcpRangeResource implements QuarkusTestResourceLifecycleManager {

    public static final int SIZE = 8;
    private static volatile int first;

    /** The first port of the range. */
    public static int first() {
        return first;
    }

    public static int last() {
        return first + SIZE - 1;
    }

    @Override
    public Map<String, String> start() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(40_000, 50_000);
            if (allFree(candidate)) {
                first = candidate;
                return Map.of("porthole.gateway.tcp.port-range", candidate + "-" + (candidate + SIZE - 1));
            }
        }
        throw new IllegalStateException("no free range of " + SIZE + " TCP ports found");
    }

    private static boolean allFree(int base) {
        for (int port = base; port < base + SIZE; port++) {
            try (ServerSocket probe = new ServerSocket(port)) {
                probe.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void stop() {}
}
