package dev.porthole.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.ServerSocket;
import java.util.Map;

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
        first = FreePortRange.first(40_000, 50_000, SIZE, ServerSocket::new, "TCP");
        return Map.of("porthole.gateway.tcp.port-range", first + "-" + (first + SIZE - 1));
    }

    @Override
    public void stop() {}
}
