package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.Http;
import dev.porthole.testing.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;

/**
 * The README's one-command local run ({@code ./run-local}) as a real process: it starts Redis, the
 * three services, a demo upstream and an agent; a request goes through the tunnel; SIGTERM stops
 * every process it started.
 */
class LocalLauncherIT {

    private static final Path ROOT =
            Path.of(System.getProperty("porthole.root", "..")).toAbsolutePath().normalize();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private static final List<String> PORT_VARIABLES = List.of(
            "PORTHOLE_GATEWAY_HTTP_PORT",
            "AUTH_PORT",
            "NOTIFICATION_PORT",
            "GATEWAY_MANAGEMENT_PORT",
            "AUTH_MANAGEMENT_PORT",
            "NOTIFICATION_MANAGEMENT_PORT",
            "PORTHOLE_REDIS_PORT",
            "DEMO_PORT",
            "INSPECT_PORT");

    /**
     * A run directory of each test's own (JUnit makes an instance per test): nothing of one run (its
     * pids and url files, logs, Redis data, secrets, CA) is there for the next to meet or lose.
     */
    private final Path runDir =
            Path.of("target", "launcher-run", Long.toString(System.nanoTime())).toAbsolutePath();

    private final Map<String, Integer> ports = new LinkedHashMap<>();

    @Test
    void startsTheWholeSystemServesATunnelAndLeavesNothingRunning() throws Exception {
        freePorts();
        Process launcher = launch(List.of("--no-build"));
        try {
            String url = awaitUrl(launcher);
            String name = URI.create(url).getHost().split("\\.")[0];
            int gatewayPort = ports.get("PORTHOLE_GATEWAY_HTTP_PORT");

            HttpResponse<String> byPath = Http.get("http://127.0.0.1:" + gatewayPort + "/t/" + name + "/hello");
            assertThat(byPath.statusCode()).isEqualTo(200);
            assertThat(byPath.body()).isEqualTo("hello\n");
            HttpResponse<String> byHost = Http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/hello"))
                            .header("Host", URI.create(url).getAuthority())
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(byHost.statusCode()).isEqualTo(200);
            assertThat(output()).contains("http://127.0.0.1:" + ports.get("INSPECT_PORT"));
            // The summary says where the console is and where its admin key is kept.
            String console = "http://127.0.0.1:" + ports.get("AUTH_PORT") + "/console";
            assertThat(output())
                    .contains("Console: " + console)
                    .contains("the PORTHOLE_ADMIN_KEY= line of ")
                    .contains("secrets.env)");
            assertThat(Http.get(console + "/login").statusCode()).isEqualTo(200);

            // The agent got in through auth-service with the launcher's generated token, not in public mode.
            assertThat(Files.readString(runDir.resolve("logs/gateway.log")))
                    .contains("agents authenticate with auth-service");
            assertThat(Files.readString(runDir.resolve("secrets.env")))
                    .contains("PORTHOLE_INTERNAL_TOKEN=", "PORTHOLE_ADMIN_KEY=");
            for (String port :
                    List.of("GATEWAY_MANAGEMENT_PORT", "AUTH_MANAGEMENT_PORT", "NOTIFICATION_MANAGEMENT_PORT")) {
                HttpResponse<String> ready = Http.get("http://127.0.0.1:" + ports.get(port) + "/q/health/ready");
                assertThat(ready.statusCode())
                        .as(port + " readiness: " + ready.body())
                        .isEqualTo(200);
            }

            List<ProcessHandle> started = launcher.descendants().toList();
            assertThat(started)
                    .as("redis, auth, notification, gateway, demo upstream, agent")
                    .hasSizeGreaterThanOrEqualTo(6);

            launcher.destroy(); // SIGTERM, as a service manager or Ctrl-C would stop it
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS))
                    .as("the launcher stops within 60 s")
                    .isTrue();
            assertThat(launcher.exitValue())
                    .as("exit code; output:\n" + output())
                    .isZero();
            assertThat(started)
                    .as("processes left running after the launcher stopped")
                    .noneMatch(ProcessHandle::isAlive);
            for (Map.Entry<String, Integer> port : ports.entrySet()) {
                assertThat(isOpen(port.getValue()))
                        .as(port.getKey() + " still open")
                        .isFalse();
            }
            assertThat(output()).contains("run-local: stopped");
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    @Test
    void withTlsServesTheTunnelOverHttpsTrustingItsOwnCa() throws Exception {
        freePorts();
        Process launcher = launch(List.of("--no-build", "--tls"));
        try {
            String url = awaitUrl(launcher);
            int gatewayPort = ports.get("PORTHOLE_GATEWAY_HTTP_PORT");
            assertThat(url).matches("https://[a-z0-9-]+\\.porthole\\.localhost:" + gatewayPort);
            Path ca = runDir.resolve("tls/ca.pem");
            assertThat(output()).contains("curl --cacert " + ca + " " + url + "/hello");
            // As the launcher tells a person to: curl resolves names under .localhost to this machine by itself.
            Process curl = new ProcessBuilder(
                            "curl", "-sS", "--max-time", "20", "--cacert", ca.toString(), url + "/hello")
                    .redirectErrorStream(true)
                    .start();
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("hello\n");

            List<ProcessHandle> started = launcher.descendants().toList();
            launcher.destroy();
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS))
                    .as("the launcher stops within 60 s")
                    .isTrue();
            assertThat(started)
                    .as("processes left running after the launcher stopped")
                    .noneMatch(ProcessHandle::isAlive);
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    @Test
    void refusesAPortThatIsNotANumber() throws Exception {
        ports.put("AUTH_PORT", -1);
        Process launcher = launch(List.of("--no-build"));
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isEqualTo(2);
        assertThat(output()).contains("AUTH_PORT must be a port number between 1 and 65535, was '-1'");
        assertThat(launcher.descendants().toList()).isEmpty();
    }

    @Test
    void refusesToStartWhenOneOfItsPortsIsTaken() throws Exception {
        freePorts();
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(ports.get("AUTH_PORT"), 50, java.net.InetAddress.getLoopbackAddress())) {
            Process launcher = launch(List.of("--no-build"));
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(launcher.exitValue()).isEqualTo(1);
            assertThat(output()).contains("these ports are already in use: AUTH_PORT (" + ports.get("AUTH_PORT") + ")");
            assertThat(launcher.descendants().toList()).isEmpty();
            assertThat(isOpen(ports.get("PORTHOLE_REDIS_PORT")))
                    .as("no Redis was started")
                    .isFalse();
        }
    }

    /** The public URL the launcher writes once its agent is connected. */
    private String awaitUrl(Process launcher) throws IOException {
        Path urlFile = runDir.resolve("url");
        try {
            await("the launcher writes the public URL")
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("the launcher exited", () -> !launcher.isAlive())
                    .until(() -> Files.isRegularFile(urlFile)
                            && !Files.readString(urlFile).isBlank());
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            // Its output as it is now, not as it was when the wait began.
            throw new AssertionError(e.getMessage() + "; its output:\n" + output(), e);
        }
        return Files.readString(urlFile).strip();
    }

    /** Gives every port the launcher opens a free one, so that the test never meets another run. */
    private void freePorts() {
        for (String name : PORT_VARIABLES) {
            ports.put(name, FreePorts.loopback());
        }
    }

    private Process launch(List<String> args) throws IOException {
        Files.createDirectories(runDir);
        List<String> command = new java.util.ArrayList<>(
                List.of("bash", ROOT.resolve("run-local").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(runDir.resolve("launcher.out").toFile());
        Map<String, String> env = builder.environment();
        env.remove("QUARKUS_REDIS_HOSTS");
        env.put("PORTHOLE_RUN_DIR", runDir.toString());
        env.put(
                "JAVA_HOME",
                Path.of(ProcessHandle.current().info().command().orElseThrow())
                        .getParent()
                        .getParent()
                        .toString());
        ports.forEach((name, port) -> env.put(name, String.valueOf(port)));
        return builder.start();
    }

    private String output() throws IOException {
        Path out = runDir.resolve("launcher.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    private static boolean isOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
