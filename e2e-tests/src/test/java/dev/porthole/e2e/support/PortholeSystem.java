package dev.porthole.e2e.support;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisServerProcess;
import dev.porthole.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole Porthole installation on loopback, each part its own process: redis-server, auth-service
 * (when started), one or more gateways, a demo upstream ({@code porthole demo-server}) and agents.
 */
public final class PortholeSystem implements AutoCloseable {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    public static final String DOMAIN = "porthole.test";

    private final Path logDir;
    private final RedisServerProcess redis;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final int gatewayPort = FreePorts.loopback();
    private final int managementPort = FreePorts.loopback();
    private final Map<String, String> gatewayEnv = new HashMap<>();
    private final List<String> gatewayJvm = new ArrayList<>(List.of("-Xmx256m"));
    private ServiceProcess gateway;
    private AuthService authService;
    private ServiceProcess upstream;
    private int upstreamPort;

    public PortholeSystem(String testName) {
        this.logDir = Path.of("target", "e2e-logs", testName);
        this.redis = RedisServerProcess.startOnFreePort();
    }

    /** JVM options of the gateway (replacing the default heap limit), before {@link #startGateway()}. */
    public PortholeSystem gatewayJvm(String... options) {
        gatewayJvm.clear();
        gatewayJvm.addAll(List.of(options));
        return this;
    }

    /** Extra gateway settings, before {@link #startGateway()}. */
    public PortholeSystem gatewaySetting(String name, String value) {
        gatewayEnv.put(name, value);
        return this;
    }

    /** Starts the system's first gateway, on {@link #gatewayPort()}, with the system's settings. */
    public PortholeSystem startGateway() {
        gateway =
                newGateway("gateway").ports(gatewayPort, managementPort).start().process();
        return this;
    }

    /**
     * Describes one more gateway, sharing Redis (and auth-service) with the others; its log is
     * {@code <name>.log}. See {@link GatewayLaunch}.
     */
    public GatewayLaunch newGateway(String name) {
        return new GatewayLaunch(this, name);
    }

    /** Starts a program that is not a Porthole service (haproxy), stopped with the system; its log goes with the others. */
    public ServiceProcess startProgram(String name, List<String> command) {
        ServiceProcess process = ServiceProcess.exec(name, command, logDir);
        processes.add(process);
        return process;
    }

    /**
     * Starts haproxy with {@code config} (written to the log directory as {@code haproxy.cfg}, beside its
     * log) and waits until it listens on each of {@code ports}; stopped with the system.
     */
    public ServiceProcess startHaproxy(String config, int... ports) {
        Path file = logDir.resolve("haproxy.cfg");
        try {
            Files.createDirectories(logDir);
            Files.writeString(file, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        ServiceProcess haproxy = startProgram(
                "haproxy", List.of("haproxy", "-f", file.toAbsolutePath().toString(), "-db"));
        for (int port : ports) {
            awaitPort(port, haproxy);
        }
        return haproxy;
    }

    /** Where this system's processes write their logs (and where tests may put files for them). */
    public Path logDir() {
        return logDir;
    }

    /** Waits until something accepts connections on a loopback port, failing early if {@code process} exits. */
    public static void awaitListening(int port, ServiceProcess process) {
        awaitPort(port, process);
    }

    /**
     * Starts auth-service; gateways started afterwards ask it about every agent handshake.
     *
     * @param settings extra environment, for example {@code PORTHOLE_AUTH_PUBLIC_SESSION_LIFETIME}
     */
    public AuthService startAuthService(Map<String, String> settings) {
        authService = new AuthService(redis.url(), settings, logDir).start();
        gatewayEnv.put("PORTHOLE_GATEWAY_AUTH_SERVICE_URL", authService.url());
        gatewayEnv.put("PORTHOLE_INTERNAL_TOKEN", AuthService.INTERNAL_TOKEN);
        return authService;
    }

    /**
     * Starts a gateway process: the settings every test gateway has, then {@code defaults}, the
     * system's settings and the gateway's own {@code settings}, each overriding the ones before.
     */
    ServiceProcess launchGateway(
            String name, int port, int management, Map<String, String> defaults, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_REDIS_HOSTS",
                redis.url(),
                "PORTHOLE_GATEWAY_HTTP_PORT",
                String.valueOf(port),
                "PORTHOLE_GATEWAY_HTTP_HOST",
                "127.0.0.1",
                "PORTHOLE_GATEWAY_HTTP_DOMAIN",
                DOMAIN,
                "QUARKUS_HTTP_PORT",
                String.valueOf(management),
                "QUARKUS_HTTP_HOST",
                "127.0.0.1"));
        // Tests stop gateways often and want them gone at once; those about the drain set the delay themselves.
        env.put("PORTHOLE_GATEWAY_SHUTDOWN_PRE_DRAIN_DELAY", "0s");
        // Tests reach path-routed tunnels at 127.0.0.1 (pathUrl); path routing is off by default.
        env.put("PORTHOLE_GATEWAY_HTTP_PATH_ROUTING", "true");
        env.put("PORTHOLE_GATEWAY_HTTP_APEX_HOSTS", DOMAIN + ",127.0.0.1,localhost");
        env.putAll(defaults);
        env.putAll(gatewayEnv);
        env.putAll(settings);
        ServiceProcess process = ServiceProcess.start(name, "gateway-service", gatewayJvm, List.of(), env, logDir);
        processes.add(process);
        return process;
    }

    /** Stops counting a process (which has exited) among the system's, for one that takes its place. */
    void forget(ServiceProcess process) {
        processes.remove(process);
    }

    /**
     * Starts auth-service on this system's Redis and points the gateway at it (call before
     * {@link #startGateway()}); returns its admin API.
     */
    public AdminApi startAuthService() {
        return startAuthService(Map.of()).admin();
    }

    public PortholeSystem startUpstream() {
        upstream = ServiceProcess.start(
                "upstream",
                "client-agent",
                List.of("-Xmx128m"),
                List.of("demo-server", "--port", "0"),
                Map.of(),
                logDir);
        processes.add(upstream);
        String url = upstream.awaitFirstLine(START_TIMEOUT);
        upstreamPort = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        return this;
    }

    /** Starts an agent exposing the demo upstream; returns once it printed its public URL. */
    public Agent startAgent(String name, List<String> extraArgs) {
        return startAgent(name, List.of("-Xmx256m"), extraArgs);
    }

    /** Starts an agent with its own JVM options. */
    public Agent startAgent(String name, List<String> jvm, List<String> extraArgs) {
        return startAgent(name, gatewayPort, jvm, extraArgs);
    }

    /** Starts an agent connected to the gateway on {@code port} (see {@link #newGateway}). */
    public Agent startAgent(String name, int port, List<String> jvm, List<String> extraArgs) {
        List<String> args = httpAgentArgs(port, extraArgs);
        ServiceProcess process = ServiceProcess.start(name, "client-agent", jvm, args, Map.of(), logDir);
        processes.add(process);
        return new Agent(process, process.awaitFirstLine(START_TIMEOUT));
    }

    /**
     * Starts the agent with a whole command line ({@code tcp 22 --port 20022}, {@code connect db}),
     * pointed at this gateway; returns once it printed its first line (its address).
     */
    public Agent startCommand(String name, List<String> jvm, List<String> command) {
        ServiceProcess process =
                ServiceProcess.start(name, "client-agent", jvm, toThisGateway(command), Map.of(), logDir);
        processes.add(process);
        return new Agent(process, process.awaitFirstLine(START_TIMEOUT));
    }

    /**
     * Starts the agent with a whole command line pointed at this gateway, as {@link #startCommand}
     * does, without waiting for its first line: for agents expected to wait, be refused or fail.
     */
    public ServiceProcess launchCommand(String name, List<String> command, Map<String, String> env) {
        return launchAgent(name, toThisGateway(command), env);
    }

    private List<String> toThisGateway(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--server", "http://127.0.0.1:" + gatewayPort));
        return args;
    }

    /** Gives the gateway a TCP tunnel range of ports that are free now (before {@link #startGateway()}); returns its first port. */
    public int freeTcpRange(int size) {
        int first = FreePorts.tcpRange(size);
        gatewaySetting("PORTHOLE_GATEWAY_TCP_PORT_RANGE", first + "-" + (first + size - 1));
        return first;
    }

    /** Gives the gateway a UDP tunnel range of ports that are free now (before {@link #startGateway()}); returns its first port. */
    public int freeUdpRange(int size) {
        int first = FreePorts.udpRange(size);
        gatewaySetting("PORTHOLE_GATEWAY_UDP_PORT_RANGE", first + "-" + (first + size - 1));
        return first;
    }

    /** Starts an agent without waiting for its URL (for agents expected to fail). */
    public ServiceProcess launchAgent(String name, List<String> args, Map<String, String> env) {
        ServiceProcess process = ServiceProcess.start(name, "client-agent", List.of("-Xmx128m"), args, env, logDir);
        processes.add(process);
        return process;
    }

    /**
     * Starts an agent exposing the demo upstream through the gateway (or proxy) on {@code port},
     * without waiting for its URL: for agents expected to wait, retry or fail.
     */
    public ServiceProcess launchHttpAgent(String name, int port, List<String> extraArgs) {
        return launchAgent(name, httpAgentArgs(port, extraArgs), Map.of());
    }

    private List<String> httpAgentArgs(int port, List<String> extraArgs) {
        List<String> args =
                new ArrayList<>(List.of("http", String.valueOf(upstreamPort), "--server", "http://127.0.0.1:" + port));
        args.addAll(extraArgs);
        return args;
    }

    /** Stops the gateway (SIGTERM, or SIGKILL when {@code kill}) and starts a new one on the same port and Redis. */
    public PortholeSystem restartGateway(boolean kill) {
        if (kill) {
            gateway.kill();
        } else {
            gateway.stop();
        }
        processes.remove(gateway);
        return startGateway();
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    public int upstreamPort() {
        return upstreamPort;
    }

    public ServiceProcess gateway() {
        return gateway;
    }

    public RedisServerProcess redis() {
        return redis;
    }

    /** A string key's value in this system's Redis, read with redis-cli; empty when the key does not exist. */
    public String redisGet(String key) {
        try {
            Process cli = new ProcessBuilder("redis-cli", "-p", String.valueOf(redis.port()), "--raw", "GET", key)
                    .redirectErrorStream(true)
                    .start();
            String value =
                    new String(cli.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (!cli.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                cli.destroyForcibly();
                throw new AssertionError("redis-cli GET " + key + " did not finish within 10 s");
            }
            return value;
        } catch (java.io.IOException e) {
            throw new AssertionError("redis-cli failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A URL on the gateway for a path-routed tunnel: {@code http://127.0.0.1:<port>/t/<name><path>}. */
    public String pathUrl(String name, String path) {
        return "http://127.0.0.1:" + gatewayPort + "/t/" + name + path;
    }

    /** The Host header of a tunnel by subdomain. */
    public String host(String name) {
        return host(name, gatewayPort);
    }

    /** The Host header of a tunnel by subdomain on the gateway listening on {@code port}. */
    public String host(String name, int port) {
        return name + "." + DOMAIN + ":" + port;
    }

    public String gatewayUrl(String path) {
        return gatewayUrl(path, gatewayPort);
    }

    public String gatewayUrl(String path, int port) {
        return "http://127.0.0.1:" + port + path;
    }

    /** A URL on the first gateway's management port (health, metrics). */
    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public String upstreamUrl(String path) {
        return "http://127.0.0.1:" + upstreamPort + path;
    }

    @Override
    public void close() {
        // Agents, gateways and the programs around them stop together; auth-service after them, since
        // a stopping gateway may still ask it something; Redis last.
        ServiceProcess.stopAll(processes);
        if (authService != null) {
            authService.stop();
        }
        redis.stop();
    }

    static void awaitPort(int port, ServiceProcess owner) {
        awaitPort(port, owner::isAlive, "process " + owner.pid() + "; stderr:\n" + String.join("\n", owner.stderr()));
    }

    static void awaitPort(int port, java.util.function.BooleanSupplier alive, String what) {
        org.awaitility.Awaitility.await("port " + port + " of " + what)
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .failFast("the process exited: " + what, () -> !alive.getAsBoolean())
                .until(() -> isOpen(port));
    }

    private static boolean isOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** A running agent and the public URL it printed. */
    public record Agent(ServiceProcess process, String url) {
        /** The port of a {@code tcp://host:port} address. */
        public int port() {
            return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        }

        /** The tunnel's name: the first label of its URL's host. */
        public String name() {
            String host = url.substring(url.indexOf("://") + 3);
            return host.substring(0, host.indexOf('.'));
        }
    }
}
