package dev.porthole.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the packaged services as processes with exactly the environment docker-compose.yml gives
 * them (defaults, no .env) and the secret files init-secrets writes, with only host names and
 * ports moved to loopback: every service must become ready on the port its image's HEALTHCHECK
 * probes, and an agent holding the generated demo token must get its tunnel through the gateway
 * and auth-service. This is the compose wiring, checked without a Docker engine.
 */
class ComposeEnvironmentIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final Path WORK = Path.of("target", "compose-environment").toAbsolutePath();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static RedisServerProcess redis;
    private static final List<Process> processes = new ArrayList<>();
    /** Per compose service: its ports as written in the compose file, moved to free loopback ports. */
    private static final Map<String, Map<String, Integer>> movedPorts = new LinkedHashMap<>();

    private static ComposeFile compose;

    @BeforeAll
    static void start() throws Exception {
        compose = ComposeFile.read(ComposeSettingsTest.COMPOSE);
        Path secrets = Files.createDirectories(WORK.resolve("secrets"));
        runInitSecrets(secrets);
        // As in compose: only the ACL user init-secrets wrote a password for may log in.
        redis = RedisServerProcess.startWithAcl(
                "porthole", Files.readString(secrets.resolve("redis-password")).strip(), false);
        for (ComposeFile.Service service : compose.services().values()) {
            Map<String, Integer> ports = new HashMap<>();
            service.environment().forEach((name, value) -> {
                if (listensOn(name)) {
                    ports.put(ComposeFile.withDefaults(value), FreePorts.loopback());
                }
            });
            movedPorts.put(service.name(), ports);
        }
        for (ComposeFile.Service service : compose.services().values()) {
            String module = service.buildTarget().orElse("");
            if (module.isEmpty() || module.equals("client-agent")) {
                continue;
            }
            Map<String, String> env = new LinkedHashMap<>();
            service.environment()
                    .forEach((name, value) ->
                            env.put(name, loopback(service.name(), name, ComposeFile.withDefaults(value), secrets)));
            processes.add(launch(service.name(), module, env, List.of()));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Process process : processes.reversed()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void everyServiceBecomesReadyOnThePortItsHealthcheckProbes() throws IOException {
        String dockerfile = Files.readString(ComposeSettingsTest.DOCKERFILE);
        for (ComposeFile.Service service : compose.services().values()) {
            String module = service.buildTarget().orElse("");
            if (module.isEmpty() || module.equals("client-agent")) {
                continue;
            }
            Matcher health = Pattern.compile("FROM runtime AS " + module + "\\n(?:.*\\n)*?ENV HEALTH_PORT=(\\d+)")
                    .matcher(dockerfile);
            assertThat(health.find())
                    .as("HEALTH_PORT of the " + module + " stage")
                    .isTrue();
            Integer port = movedPorts.get(service.name()).get(health.group(1));
            assertThat(port)
                    .as(service.name() + " is configured to serve its management port " + health.group(1))
                    .isNotNull();
            awaitReady(service.name(), "http://127.0.0.1:" + port + "/q/health/ready");
        }
    }

    @Test
    void everyServiceExposesTheJvmMetricsTheDashboardUses() throws Exception {
        List<String> platform = DashboardMetricsTest.platformMetrics();
        assertThat(platform).isNotEmpty();
        for (String service : List.of("gateway", "auth-service", "notification-service")) {
            Integer port = movedPorts
                    .get(service)
                    .get(service.equals("gateway") ? "9080" : service.equals("auth-service") ? "9081" : "9082");
            awaitReady(service, "http://127.0.0.1:" + port + "/q/health/ready");
            String metrics = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(platform)
                    .as(service + " /q/metrics")
                    .allSatisfy(name -> assertThat(metrics).containsPattern("(?m)^" + name + "[{ ]"));
        }
    }

    @Test
    void theDemoAgentsGeneratedTokenOpensATunnelThroughAuthService() throws Exception {
        ComposeFile.Service gateway = compose.services().get("gateway");
        ComposeFile.Service demoAgent = compose.services().get("demo-agent");
        int gatewayPort = movedPorts.get("gateway").get("8080");
        awaitReady("gateway", "http://127.0.0.1:" + movedPorts.get("gateway").get("9080") + "/q/health/ready");

        Map<String, String> env = new LinkedHashMap<>();
        demoAgent.environment().forEach((name, value) -> env.put(name, ComposeFile.withDefaults(value)));
        env.put("SERVER", "http://127.0.0.1:" + gatewayPort);
        env.put("TOKEN", Files.readString(WORK.resolve("secrets/agent-token")).strip());
        env.put("INSPECT_ADDRESS", "127.0.0.1:" + FreePorts.loopback());
        // The upstream is not asked in this test; the tunnel is granted without contacting it.
        Process agent =
                launch("demo-agent", "client-agent", env, List.of("http", String.valueOf(FreePorts.loopback())));
        processes.add(agent);

        Path out = WORK.resolve("demo-agent.out");
        await("the agent prints its public URL")
                .atMost(START)
                .pollInterval(Duration.ofMillis(100))
                .failFast("the agent exited; see " + WORK.resolve("demo-agent.log"), () -> !agent.isAlive())
                .until(() -> Files.exists(out) && !Files.readString(out).isBlank());
        String domain = ComposeFile.withDefaults(gateway.environment().get("PORTHOLE_GATEWAY_HTTP_DOMAIN"));
        String publicPort = ComposeFile.withDefaults(gateway.environment().get("PORTHOLE_GATEWAY_HTTP_PUBLIC_PORT"));
        assertThat(Files.readString(out).strip())
                .isEqualTo("http://"
                        + ComposeFile.withDefaults(demoAgent.environment().get("SUB_DOMAIN")) + "." + domain + ":"
                        + publicPort);
    }

    /** Moves a compose value to this machine: service host names to 127.0.0.1, ports to free ones, the secrets volume to a folder. */
    private static String loopback(String service, String name, String value, Path secrets) {
        String result = value.replace("/porthole-secrets/", secrets + "/");
        if (result.startsWith("redis://redis:")) {
            return redis.url();
        }
        if (listensOn(name)) {
            return String.valueOf(movedPorts.get(service).get(result));
        }
        Matcher url = Pattern.compile("^(https?://)([a-z0-9-]+):(\\d+)$").matcher(result);
        if (url.matches() && movedPorts.containsKey(url.group(2))) {
            return url.group(1) + "127.0.0.1:" + movedPorts.get(url.group(2)).get(url.group(3));
        }
        return result;
    }

    /** A port the service listens on (not one that only appears in public URLs). */
    private static boolean listensOn(String variable) {
        return variable.endsWith("_PORT") && !variable.endsWith("_PUBLIC_PORT");
    }

    private static void runInitSecrets(Path secrets) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", ComposeSettingsTest.INIT_SECRETS.toString())
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("init-secrets.log").toFile());
        compose.services()
                .get("init-secrets")
                .environment()
                .forEach((name, value) -> builder.environment().put(name, ComposeFile.withDefaults(value)));
        builder.environment().put("SECRETS_DIR", secrets.toString());
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("init-secrets; see " + WORK.resolve("init-secrets.log"))
                .isZero();
    }

    private static Process launch(String name, String module, Map<String, String> env, List<String> args)
            throws IOException {
        Path jar = ServiceSettings.ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        assertThat(jar)
                .as("packaged " + module + " (mvn -pl deploy-check -am verify builds it)")
                .isRegularFile();
        List<String> command = new ArrayList<>(List.of(
                JAVA, "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC", "-Xmx192m", "-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(WORK.resolve(name + ".out").toFile())
                .redirectError(WORK.resolve(name + ".log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("PORTHOLE_") || k.startsWith("QUARKUS_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private static void awaitReady(String service, String url) {
        await(service + " ready at " + url + " (log: " + WORK.resolve(service + ".log") + ")")
                .atMost(START)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> HTTP.send(
                                        HttpRequest.newBuilder(URI.create(url))
                                                .timeout(Duration.ofSeconds(5))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }
}
