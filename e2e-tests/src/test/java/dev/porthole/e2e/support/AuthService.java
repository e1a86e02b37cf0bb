package dev.porthole.e2e.support;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * auth-service as its own process, with the admin key and the internal token that the gateways of
 * the same {@link PortholeSystem} use. Stopping and starting it keeps its port, as a restarted
 * service behind a fixed address would.
 */
public final class AuthService {

    public static final String ADMIN_KEY = "e2e-admin-key-0123456789abcdefghijklmnopq";
    public static final String INTERNAL_TOKEN = "e2e-internal-token-0123456789";

    private final Map<String, String> env;
    private final Path logDir;
    private final int port = FreePorts.loopback();
    private ServiceProcess process;
    private int starts;

    AuthService(String redisUrl, Map<String, String> settings, Path logDir) {
        this.logDir = logDir;
        this.env = ServiceProcess.onLoopback(port);
        env.putAll(Map.of(
                "QUARKUS_REDIS_HOSTS",
                redisUrl,
                "PORTHOLE_ADMIN_KEY",
                ADMIN_KEY,
                "PORTHOLE_INTERNAL_TOKEN",
                INTERNAL_TOKEN,
                "PORTHOLE_AUTH_BCRYPT_COST",
                "4"));
        env.putAll(settings);
    }

    /** Starts the process and waits until it listens. */
    public AuthService start() {
        starts++;
        process = ServiceProcess.start(
                starts == 1 ? "auth-service" : "auth-service-" + starts,
                "auth-service",
                List.of("-Xmx128m"),
                List.of(),
                env,
                logDir);
        PortholeSystem.awaitPort(port, process);
        return this;
    }

    /** SIGTERM, waiting until it has exited. */
    public void stop() {
        process.stop();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public AdminApi admin() {
        return new AdminApi(url(), ADMIN_KEY);
    }

    ServiceProcess process() {
        return process;
    }
}
