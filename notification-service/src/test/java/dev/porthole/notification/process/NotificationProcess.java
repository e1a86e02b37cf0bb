package dev.porthole.notification.process;

import static org.awaitility.Awaitility.await;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged notification-service as a real process ({@link ServiceProcess}), configured through
 * its environment like in production, on ports of its own, ready once its management health says so.
 */
public final class NotificationProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Path LOGS = Path.of("target", "it-logs");

    private final String name;
    private final Map<String, String> env;
    private final int managementPort = FreePorts.loopback();
    private ServiceProcess process;

    public NotificationProcess(String name, Map<String, String> env) {
        this.name = name;
        this.env = new LinkedHashMap<>(env);
        this.env.put("QUARKUS_HTTP_PORT", Integer.toString(FreePorts.loopback()));
        this.env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    }

    /** Starts the process and waits until it is ready (management health). */
    public NotificationProcess start() {
        launch();
        await("%s ready (see %s)".formatted(name, LOGS.resolve(name + ".out")))
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .failFast(name + " exited", () -> !process.isAlive())
                .until(this::ready);
        return this;
    }

    /** Starts the process and waits for it to exit by itself; returns its exit code. */
    public int runToExit() {
        launch();
        return process.awaitExit(Duration.ofSeconds(60));
    }

    private void launch() {
        process = ServiceProcess.start(
                name, "notification-service", List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"), List.of(), env, LOGS);
    }

    /** Everything the process printed. */
    public String output() {
        return process.output();
    }

    /** SIGTERM, and wait for the exit: a graceful stop. */
    public void stop() {
        if (process != null) {
            process.stop();
        }
    }

    /** SIGKILL: a crash, nothing gets to finish. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.kill();
        }
    }

    /** The management interface's Prometheus text. */
    public String metrics() {
        return get("http://127.0.0.1:" + managementPort + "/q/metrics").body();
    }

    private boolean ready() {
        try {
            return get("http://127.0.0.1:" + managementPort + "/q/health/ready").statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kill();
    }
}
