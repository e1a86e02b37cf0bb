package dev.porthole.notification.process;

import static org.awaitility.Awaitility.await;

import dev.porthole.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged notification-service ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a real
 * process, on JDK 25 from JAVA_HOME, configured through its environment like in production.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Map<String, String> env;
    private final int httpPort = FreePorts.loopback();
    private final int managementPort = FreePorts.loopback();
    private final Path log;
    private Process process;

    public ServiceProcess(String name, Map<String, String> env) {
        this.name = name;
        this.env = new LinkedHashMap<>(env);
        this.log = Path.of("target", "it-logs", name + ".log");
    }

    /** Starts the process and waits until it is ready (management health). */
    public ServiceProcess start() {
        launch();
        await("%s ready (see %s)".formatted(name, log)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
                    }
                    return ready();
                });
        return this;
    }

    /** Starts the process and waits for it to exit by itself; returns its exit code. */
    public int runToExit() {
        launch();
        waitForExit();
        return process.exitValue();
    }

    private void launch() {
        try {
            Files.createDirectories(log.getParent());
            List<String> command = new ArrayList<>(List.of(java(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", jar()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
            builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
    }

    /** SIGTERM, and wait for the exit: a graceful stop. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitForExit();
        }
    }

    /** SIGKILL: a crash, nothing gets to finish. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    /** The management interface's Prometheus text. */
    public String metrics() {
        return get("http://127.0.0.1:" + managementPort + "/q/metrics").body();
    }

    public Path log() {
        return log;
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
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String java() {
        String home = System.getenv("JAVA_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "java"))) {
            return Path.of(home, "bin", "java").toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String jar() {
        String jar = System.getProperty("notification.jar", "target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing; run 'mvn -pl notification-service -am verify' so that it is packaged first");
        }
        return jar;
    }

    @Override
    public void close() {
        kill();
    }
}
