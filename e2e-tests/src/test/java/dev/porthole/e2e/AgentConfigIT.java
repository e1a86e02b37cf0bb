package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.ByteServer;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent driven by porthole.yml, every part a real process: {@code porthole start} opens an HTTP
 * and two TCP tunnels over one connection; the gateway refuses one and the other two serve.
 */
class AgentConfigIT {

    private static final String TOKEN = "e2e-static-token-0123456789";
    private static final Path DIR = Path.of("target", "e2e-logs", "AgentConfigIT");

    private static PortholeSystem system;
    private static int rangeFirst;
    private static ByteServer echo;

    @BeforeAll
    static void start() throws IOException {
        // The echo server first: its ephemeral port must not fall into the range picked as free.
        echo = ByteServer.start(InetAddress.getLoopbackAddress(), ByteServer::echo);
        system = new PortholeSystem("AgentConfigIT");
        rangeFirst = system.freeTcpRange(10);
        system.gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .startGateway()
                .startUpstream();
        Files.createDirectories(DIR);
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
        system.close();
    }

    /**
     * {@code porthole start [tunnels] -c config} with the gateway's token on the command line, waiting
     * until its status table shows {@code rows} tunnel lines below the header.
     */
    private static ServiceProcess startWithToken(String name, Path config, int rows, String... tunnels) {
        List<String> command = new ArrayList<>(List.of("start"));
        command.addAll(List.of(tunnels));
        command.addAll(List.of("-c", config.toString(), "--no-inspect", "--token", TOKEN));
        ServiceProcess agent = system.launchCommand(name, command, Map.of());
        awaitStatusTable(agent, rows);
        return agent;
    }

    /** Waits until the agent printed its status table: the header and {@code rows} tunnel lines. */
    private static void awaitStatusTable(ServiceProcess agent, int rows) {
        Awaitility.await("the status table")
                .atMost(PortholeSystem.START_TIMEOUT)
                .failFast("the agent exited", () -> !agent.isAlive())
                .until(() -> agent.stdout().size() >= 1 + rows);
    }

    @Test
    void startsThreeTunnelsFromOneFileWhereOneIsRefusedAndTwoServe() throws Exception {
        Path config = Files.writeString(DIR.resolve("three.yml"), """
                server: http://127.0.0.1:%d
                tunnels:
                  web:
                    type: http
                    upstream: %d
                    subdomain: cfg-web
                  echo:
                    type: tcp
                    upstream: %d
                    port: %d
                  outside:
                    type: tcp
                    upstream: %d
                    port: 1
                """.formatted(
                        system.gatewayPort(), system.upstreamPort(), echo.port(), rangeFirst + 3, echo.port()));
        String inspector = "127.0.0.1:" + FreePorts.loopback();
        ServiceProcess agent = system.launchAgent(
                "agent-three",
                List.of("start", "-c", config.toString(), "--inspect-address", inspector),
                Map.of("TOKEN", TOKEN));

        awaitStatusTable(agent, 2);
        List<String> table = agent.stdout();
        assertThat(table.get(0)).matches("NAME +TYPE +ADDRESS +UPSTREAM");
        assertThat(table.get(1))
                .matches("web +http +http://cfg-web\\.porthole\\.test:" + system.gatewayPort() + " +127\\.0\\.0\\.1:"
                        + system.upstreamPort());
        assertThat(table.get(2))
                .matches("echo +tcp +tcp://porthole\\.test:" + (rangeFirst + 3) + " +127\\.0\\.0\\.1:" + echo.port());
        assertThat(agent.stderr())
                .anyMatch(line -> line.contains("tunnel 'outside' refused (400)")
                        && line.contains("port 1 is outside this gateway's TCP range")
                        && line.contains("the other tunnels keep running"));

        HttpResponse<String> hello = Http.getByHost(system, "cfg-web", "/hello");
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(TcpTunnelIT.exchange("127.0.0.1", rangeFirst + 3, "through the file's tcp tunnel"))
                .isEqualTo("through the file's tcp tunnel");
        assertThat(agent.isAlive()).isTrue();

        ServiceProcess status =
                system.launchAgent("status", List.of("status", "--inspect-address", inspector), Map.of());
        assertThat(status.awaitExit(Duration.ofSeconds(60)))
                .as(String.join("\n", status.stderr()))
                .isZero();
        assertThat(status.stdout())
                .anyMatch(line -> line.matches(
                        "web +http +serving +http://cfg-web\\.porthole\\.test:\\d+ +127\\.0\\.0\\.1:\\d+ +1 +0"))
                .anyMatch(line ->
                        line.matches("echo +tcp +serving +tcp://porthole\\.test:\\d+ +127\\.0\\.0\\.1:\\d+ +0 +0"))
                .anyMatch(line -> line.matches("outside +tcp +refused +- +127\\.0\\.0\\.1:\\d+ +0 +0"))
                .anyMatch(line -> line.contains("tunnel 'outside' refused (400)"));

        agent.stop();
    }

    @Test
    void loginSavesTheTokenOwnerOnlyAndLaterCommandsUseIt() throws Exception {
        Path configDir = newConfigDir();
        Map<String, String> env = Map.of("PORTHOLE_CONFIG_DIR", configDir.toString());
        ServiceProcess login = login("login", configDir, TOKEN);
        assertThat(login.awaitExit(Duration.ofSeconds(60)))
                .as(String.join("\n", login.stderr()))
                .isZero();
        Path saved = configDir.resolve("credentials.json");
        assertThat(Files.getPosixFilePermissions(saved)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(login.stderr())
                .anyMatch(line -> line.contains("saved the token for http://127.0.0.1:" + system.gatewayPort()));

        // No --server, no --token, no TOKEN: both come from the saved login; the gateway refuses agents without its
        // token.
        Path config = Files.writeString(
                DIR.resolve("saved.yml"),
                "tunnels:\n  web: {type: http, upstream: %d, subdomain: cfg-saved}\n".formatted(system.upstreamPort()));
        ServiceProcess agent =
                system.launchAgent("agent-saved", List.of("start", "-c", config.toString(), "--no-inspect"), env);
        awaitStatusTable(agent, 1);
        assertThat(Http.getByHost(system, "cfg-saved", "/hello").statusCode()).isEqualTo(200);
        agent.stop();

        ServiceProcess wrong = system.launchAgent(
                "agent-wrong-token",
                List.of("start", "-c", config.toString(), "--no-inspect"),
                Map.of("PORTHOLE_CONFIG_DIR", configDir.toString(), "TOKEN", "not-the-token-0123456789"));
        assertThat(wrong.awaitExit(Duration.ofSeconds(60)))
                .as("TOKEN wins over the saved login; exit code 3")
                .isEqualTo(3);
    }

    @Test
    void loginSavesNothingTheGatewayRefuses() throws Exception {
        Path configDir = newConfigDir();
        ServiceProcess login = login("login-refused", configDir, "not-the-token-0123456789");
        assertThat(login.awaitExit(Duration.ofSeconds(60)))
                .as(String.join("\n", login.stderr()))
                .isEqualTo(3);
        assertThat(login.stderr()).anyMatch(line -> line.startsWith("porthole: ") && line.endsWith("; nothing saved"));
        assertThat(configDir.resolve("credentials.json")).doesNotExist();
    }

    /** A fresh folder for the agent's saved login ({@code PORTHOLE_CONFIG_DIR}), not created yet. */
    private static Path newConfigDir() throws IOException {
        return Files.createDirectories(DIR.resolve("home-" + System.nanoTime())).resolve("porthole");
    }

    /** {@code porthole login} against the gateway, saving under {@code configDir}, with {@code token} typed on standard input. */
    private static ServiceProcess login(String name, Path configDir, String token) throws IOException {
        ServiceProcess login =
                system.launchCommand(name, List.of("login"), Map.of("PORTHOLE_CONFIG_DIR", configDir.toString()));
        login.stdin().write((token + "\n").getBytes(StandardCharsets.UTF_8));
        login.stdin().close();
        return login;
    }

    @Test
    void aTokenOnStdinReplacesTheOldOneWithoutFailingLiveTrafficAndTheNextConnectionUsesIt() throws Exception {
        String oldToken = "e2e-old-token-0123456789";
        String newToken = "e2e-new-token-0123456789";
        try (PortholeSystem own = new PortholeSystem("AgentConfigIT-token-stdin")) {
            own.gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", oldToken + "," + newToken)
                    .startGateway()
                    .startUpstream();
            ServiceProcess agent = own.launchHttpAgent(
                    "agent-stdin", own.gatewayPort(), List.of("--token-stdin", "--subdomain", "stdin", "--no-inspect"));
            agent.stdin().write((oldToken + "\n").getBytes(StandardCharsets.UTF_8));
            agent.stdin().flush();
            assertThat(agent.awaitFirstLine(PortholeSystem.START_TIMEOUT)).contains("stdin.");

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger served = new AtomicInteger();
            List<String> failures = new CopyOnWriteArrayList<>();
            Thread traffic = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = Http.getByHost(own, "stdin", "/hello");
                        if (response.statusCode() == 200) {
                            served.incrementAndGet();
                        } else {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (Throwable e) {
                        failures.add(e.toString());
                    }
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> served.get() >= 20);
            agent.stdin().write((newToken + "\n").getBytes(StandardCharsets.UTF_8));
            agent.stdin().flush();
            agent.awaitLog(line -> line.contains("new token received on standard input"), Duration.ofSeconds(30));
            int before = served.get();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> served.get() >= before + 20);
            running.set(false);
            traffic.join(Duration.ofSeconds(60));
            assertThat(failures)
                    .as("requests through the tunnel while the token changed")
                    .isEmpty();
            assertThat(agent.stderr()).noneMatch(line -> line.contains(oldToken) || line.contains(newToken));

            // The old token is withdrawn: a gateway that knows only the new one; the agent's next handshake uses it.
            own.gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", newToken).restartGateway(false);
            Awaitility.await("served again with the new token")
                    .atMost(PortholeSystem.START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("the agent exited", () -> !agent.isAlive())
                    .until(() -> Http.getByHost(own, "stdin", "/hello").statusCode() == 200);
            assertThat(agent.isAlive()).isTrue();
        }
    }

    @Test
    void theReportWebhookReceivesTheFatalError() {
        try (WebhookReceiver webhook = WebhookReceiver.answering(WebhookReceiver.Reply.text(200, "ok"))) {
            ServiceProcess agent = system.launchHttpAgent(
                    "agent-reported",
                    system.gatewayPort(),
                    List.of(
                            "--token",
                            "not-the-token-0123456789",
                            "--no-inspect",
                            "--report-url",
                            webhook.url("/porthole-reports")));
            assertThat(agent.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
            assertThat(webhook.bodies())
                    .singleElement()
                    .satisfies(body -> assertThat(body)
                            .contains("\"type\":\"agent.fatal\"")
                            .contains("\"exitCode\":3")
                            .contains("the token was not accepted")
                            .contains("\"server\":\"http://127.0.0.1:" + system.gatewayPort() + "\"")
                            .doesNotContain("not-the-token"));
        }
    }

    @Test
    void reachesAnHttpsUpstreamWithAnUncheckedCertificateOnlyWhenTold() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            // A self-signed certificate nobody vouches for, made by the JDK's keytool.
            Path keystore = DIR.resolve("upstream-" + System.nanoTime() + ".p12");
            Process keytool = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "keytool")
                                    .toString(),
                            "-genkeypair",
                            "-alias",
                            "upstream",
                            "-keyalg",
                            "RSA",
                            "-keysize",
                            "2048",
                            "-dname",
                            "CN=localhost",
                            "-validity",
                            "2",
                            "-storetype",
                            "PKCS12",
                            "-keystore",
                            keystore.toString(),
                            "-storepass",
                            "changeit")
                    .redirectErrorStream(true)
                    .start();
            assertThat(keytool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(keytool.exitValue())
                    .as(new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
            HttpServer https = vertx.createHttpServer(new HttpServerOptions()
                            .setSsl(true)
                            .setKeyCertOptions(new PfxOptions()
                                    .setPath(keystore.toString())
                                    .setPassword("changeit")))
                    .requestHandler(request -> request.response().end("over tls " + request.isSSL()))
                    .listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            Path config =
                    Files.writeString(DIR.resolve("tls.yml"), """
                    tunnels:
                      insecure:
                        type: http
                        upstream: %d
                        subdomain: cfg-tls-insecure
                        upstream-tls: true
                        upstream-tls-verify: false
                      checked:
                        type: http
                        upstream: %d
                        subdomain: cfg-tls-checked
                        upstream-tls: true
                    """.formatted(https.actualPort(), https.actualPort()));
            ServiceProcess agent = startWithToken("agent-tls", config, 2);
            HttpResponse<String> insecure = Http.getByHost(system, "cfg-tls-insecure", "/");
            assertThat(insecure.statusCode()).isEqualTo(200);
            assertThat(insecure.body()).isEqualTo("over tls true");
            HttpResponse<String> checked = Http.getByHost(system, "cfg-tls-checked", "/");
            assertThat(checked.statusCode())
                    .as("a self-signed certificate is refused when checked")
                    .isEqualTo(502);
            agent.stop();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void startsOnlyTheTunnelsNamedOnTheCommandLine() throws Exception {
        Path config =
                Files.writeString(DIR.resolve("pick.yml"), """
                tunnels:
                  first:
                    type: http
                    upstream: %d
                    subdomain: cfg-first
                  second:
                    type: http
                    upstream: %d
                    subdomain: cfg-second
                    host-header: rewrite
                    upstream-basic-auth: alice:s3cret
                """.formatted(system.upstreamPort(), system.upstreamPort()));
        ServiceProcess agent = startWithToken("agent-pick", config, 1, "second");
        assertThat(agent.stdout()).hasSize(2);
        assertThat(agent.stdout().get(1)).startsWith("second ");
        assertThat(Http.getByHost(system, "cfg-second", "/hello").statusCode()).isEqualTo(200);
        String seen = Http.getByHost(system, "cfg-second", "/headers").body();
        assertThat(seen)
                .as("what the local service received")
                .contains("\"host\":\"127.0.0.1:" + system.upstreamPort() + "\"")
                .contains("\"authorization\":\"Basic YWxpY2U6czNjcmV0\"");
        assertThat(Http.getByHost(system, "cfg-first", "/hello").statusCode()).isEqualTo(404);
        agent.stop();
    }
}
