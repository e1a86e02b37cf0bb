package dev.porthole.gateway.support;

import dev.porthole.testing.FreePorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Gives the gateway's public listener a free port for the test run; tests read it from {@link #port()}. */
public final class GatewayPortResource implements QuarkusTestResourceLifecycleManager {

    private static volatile int port;

    public static int port() {
        return port;
    }

    @Override
    public Map<String, String> start() {
        port = FreePorts.loopback();
        return Map.of(
                "porthole.gateway.http.port",
                String.valueOf(port),
                "porthole.gateway.http.public-port",
                String.valueOf(port));
    }

    @Override
    public void stop() {}
}
