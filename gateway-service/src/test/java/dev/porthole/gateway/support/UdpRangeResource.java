package dev.porthole.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.DatagramSocket;
import java.util.Map;

/** Gives the gateway a UDP port range of {@link #SIZE} ports that are free now, away from the default range. */
public final class UdpRangeResource implements QuarkusTestResourceLifecycleManager {

    public static final int SIZE = 8;

    @Override
    public Map<String, String> start() {
        int first = FreePortRange.first(50_000, 60_000, SIZE, DatagramSocket::new, "UDP");
        return Map.of("porthole.gateway.udp.port-range", first + "-" + (first + SIZE - 1));
    }

    @Override
    public void stop() {}
}
