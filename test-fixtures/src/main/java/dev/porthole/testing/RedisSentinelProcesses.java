package dev.porthole.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * Redis as operators run it with Sentinel, on loopback: three {@code redis-server} processes (one
 * primary, two replicas) and three Sentinels ({@code redis-server --sentinel}, quorum 2) watching
 * the master set {@value #MASTER_NAME}, with short timeouts so that a failover takes a few seconds.
 * Data nodes and Sentinels alike require {@value #PASSWORD} (the default user's), as the Redis
 * client logs in to both with the one password of its URL; replicas and Sentinels are given it to
 * reach the data nodes. The primary can be SIGKILLed and the promotion awaited. Queries go
 * through {@code redis-cli}.
 */
public final class RedisSentinelProcesses implements AutoCloseable {

    /** The master set the Sentinels monitor: {@code QUARKUS_REDIS_MASTER_NAME}. */
    public static final String MASTER_NAME = "porthole";
    /** The password of every data node's and Sentinel's default user. */
    public static final String PASSWORD = "sentinel-password-0123456789";
    /** Sentinel's {@code down-after-milliseconds}: how long the primary may be silent before it is down. */
    public static final Duration DOWN_AFTER = Duration.ofMillis(1_000);

    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private final Path workDir;
    private final Map<Integer, Process> servers = new LinkedHashMap<>();
    private final Map<Integer, Process> sentinels = new LinkedHashMap<>();

    private RedisSentinelProcesses(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** Starts the primary, its two replicas and three Sentinels, and waits until all know each other. */
    public static RedisSentinelProcesses start() {
        RedisSentinelProcesses redis;
        try {
            redis = new RedisSentinelProcesses(
                    RedisServerProcess.locateBinary(), Files.createTempDirectory("porthole-sentinel"));
        } catch (IOException e) {
            throw new IllegalStateException("could not prepare redis-server: " + e.getMessage(), e);
        }
        try {
            redis.startAll();
            return redis;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    private void startAll() {
        int primary = FreePorts.loopback();
        startServer(primary, List.of());
        for (int i = 0; i < 2; i++) {
            startServer(FreePorts.loopback(), List.of("--replicaof", "127.0.0.1", String.valueOf(primary)));
        }
        await(
                "both replicas in sync with the primary on port " + primary,
                () -> info(primary, "replication")
                                .getOrDefault("connected_slaves", "0")
                                .equals("2")
                        && info(primary, "replication").values().stream()
                                        .filter(v -> v.contains("state=online"))
                                        .count()
                                == 2);
        for (int i = 0; i < 3; i++) {
            startSentinel(FreePorts.loopback(), primary);
        }
        for (int port : sentinels.keySet()) {
            await("Sentinel on port " + port + " knowing both replicas and the two other Sentinels", () -> {
                Map<String, String> master = pairs(cli(port, "SENTINEL", "MASTER", MASTER_NAME));
                return "2".equals(master.get("num-slaves")) && "2".equals(master.get("num-other-sentinels"));
            });
        }
    }

    private void startServer(int port, List<String> extra) {
        Path dir = directory("redis-" + port);
        List<String> command = RedisServerProcess.commandLine(binary, port, dir, "notice");
        command.addAll(List.of(
                // Replicas sync at once instead of waiting for more replicas to share a diskless transfer.
                "--repl-diskless-sync-delay", "0", "--requirepass", PASSWORD, "--masterauth", PASSWORD));
        command.addAll(extra);
        servers.put(port, launch(command, dir.resolve("redis.log")));
        await("redis-server on port " + port + " answering PING", () -> "PONG".equals(cli(port, "PING")));
    }

    private void startSentinel(int port, int primary) {
        Path dir = directory("sentinel-" + port);
        Path config = dir.resolve("sentinel.conf");
        String text = String.join(
                "\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + dir,
                "requirepass " + PASSWORD,
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primary + " 2",
                "sentinel auth-pass " + MASTER_NAME + " " + PASSWORD,
                "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
                "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT.toMillis(),
                "sentinel parallel-syncs " + MASTER_NAME + " 2",
                "");
        try {
            Files.writeString(config, text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + config + ": " + e.getMessage(), e);
        }
        sentinels.put(
                port, launch(List.of(binary.toString(), config.toString(), "--sentinel"), dir.resolve("sentinel.log")));
        await("Sentinel on port " + port + " answering PING", () -> "PONG".equals(cli(port, "PING")));
    }

    /** The Sentinels' addresses with the password for {@code QUARKUS_REDIS_HOSTS}: {@code redis://:<password>@127.0.0.1:<port>,...}. */
    public String hosts() {
        return hosts(PASSWORD);
    }

    /** The Sentinels' addresses with another password, for tests of a refused login. */
    public String hosts(String password) {
        return sentinels.keySet().stream()
                .map(port -> "redis://:" + password + "@127.0.0.1:" + port)
                .collect(Collectors.joining(","));
    }

    /** The environment that points a Porthole service at these Sentinels. */
    public Map<String, String> quarkusSettings() {
        return Map.of(
                "QUARKUS_REDIS_HOSTS",
                hosts(),
                "QUARKUS_REDIS_CLIENT_TYPE",
                "sentinel",
                "QUARKUS_REDIS_MASTER_NAME",
                MASTER_NAME);
    }

    /** The port of the primary as the first Sentinel names it now. */
    public int primaryPort() {
        List<String> address =
                lines(cli(sentinels.keySet().iterator().next(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME));
        if (address.size() != 2) {
            throw new IllegalStateException("Sentinel names no primary: " + address);
        }
        return Integer.parseInt(address.get(1));
    }

    /** SIGKILLs the primary (no shutdown, no last write to its replicas); returns its port. */
    public int killPrimary() {
        int port = primaryPort();
        Process process = servers.get(port);
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not die within 10 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the primary", e);
        }
        return port;
    }

    /**
     * Waits until every Sentinel names a primary other than {@code oldPort} and that server says it is
     * a master; returns its port.
     */
    public int awaitPromotion(int oldPort, Duration timeout) {
        Awaitility.await("a replica promoted in place of the primary on port " + oldPort)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> promoted(oldPort).isPresent());
        return promoted(oldPort).getAsInt();
    }

    private OptionalInt promoted(int oldPort) {
        int named = -1;
        for (int sentinel : sentinels.keySet()) {
            List<String> address = lines(cli(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME));
            if (address.size() != 2
                    || Integer.parseInt(address.get(1)) == oldPort
                    || (named >= 0 && named != Integer.parseInt(address.get(1)))) {
                return OptionalInt.empty();
            }
            named = Integer.parseInt(address.get(1));
        }
        List<String> role = lines(cli(named, "ROLE"));
        return !role.isEmpty() && role.getFirst().equals("master") ? OptionalInt.of(named) : OptionalInt.empty();
    }

    /** Runs one command with {@code redis-cli --raw} against the server or Sentinel on {@code port}; its output ("" when unreachable). */
    public String cli(int port, String... command) {
        List<String> args = new ArrayList<>(List.of(
                "redis-cli",
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-a",
                PASSWORD,
                "--no-auth-warning",
                "--raw"));
        args.addAll(List.of(command));
        try {
            Process cli = new ProcessBuilder(args).redirectErrorStream(true).start();
            String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!cli.waitFor(10, TimeUnit.SECONDS)) {
                cli.destroyForcibly();
                return "";
            }
            return cli.exitValue() == 0 ? output : "";
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot run redis-cli (apt-get install -y redis-tools): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The {@code INFO <section>} of the server on {@code port} as field → value. */
    public Map<String, String> info(int port, String section) {
        Map<String, String> fields = new HashMap<>();
        for (String line : lines(cli(port, "INFO", section))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    @Override
    public void close() {
        for (Process sentinel : sentinels.values()) {
            ChildProcesses.stop(sentinel);
        }
        for (Process server : servers.values()) {
            ChildProcesses.stop(server);
        }
    }

    private Process launch(List<String> command, Path log) {
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command.getFirst() + ": " + e.getMessage(), e);
        }
    }

    private Path directory(String name) {
        try {
            return Files.createDirectories(workDir.resolve(name));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + workDir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    private void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what + " (logs in " + workDir + ")")
                .atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(condition);
    }

    private static List<String> lines(String output) {
        return output.isEmpty() ? List.of() : output.lines().map(String::trim).toList();
    }

    /** A reply of alternating names and values (SENTINEL MASTER) as a map. */
    private static Map<String, String> pairs(String output) {
        List<String> lines = lines(output);
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            map.put(lines.get(i), lines.get(i + 1));
        }
        return map;
    }
}
