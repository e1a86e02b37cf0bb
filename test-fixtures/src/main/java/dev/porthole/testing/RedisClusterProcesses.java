package dev.porthole.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of three primaries (no replicas), each a {@code redis-server --cluster-enabled
 * yes} on its own loopback port, joined with {@code redis-cli --cluster create} and ready once every
 * node reports {@code cluster_state:ok}. Needs redis-server and redis-cli 7 on the PATH (Debian's
 * {@code redis-server} and {@code redis-tools}): the cluster bus port is chosen with
 * {@code --cluster-port}, which 6.2 lacks.
 */
public final class RedisClusterProcesses implements AutoCloseable {

    private static final int PRIMARIES = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final List<Node> nodes = new ArrayList<>();
    private final Path workDir;

    private record Node(int port, Process process, Path log) {}

    private RedisClusterProcesses(Path workDir) {
        this.workDir = workDir;
    }

    /** Starts three primaries on free loopback ports, joins them and waits until the cluster serves every slot. */
    public static RedisClusterProcesses start() {
        RedisClusterProcesses cluster;
        try {
            cluster = new RedisClusterProcesses(Files.createTempDirectory("porthole-redis-cluster"));
        } catch (IOException e) {
            throw new IllegalStateException("could not make a directory for the Redis Cluster: " + e.getMessage(), e);
        }
        try {
            Path binary = RedisServerProcess.findOnPath("redis-server")
                    .orElseThrow(() -> new IllegalStateException(
                            "a Redis Cluster test needs redis-server 7 on the PATH; apt-get install -y redis-server"));
            for (int i = 0; i < PRIMARIES; i++) {
                cluster.startNode(binary, i);
            }
            cluster.join();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startNode(Path binary, int index) {
        int port = FreePorts.loopback();
        Path dir = workDir.resolve("node-" + index);
        Path log = dir.resolve("redis.log");
        try {
            Files.createDirectories(dir);
            List<String> command = RedisServerProcess.commandLine(binary, port, dir, "warning");
            command.addAll(List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    dir.resolve("nodes.conf").toString(),
                    "--cluster-port",
                    String.valueOf(FreePorts.loopback()),
                    "--cluster-node-timeout",
                    "5000"));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            nodes.add(new Node(port, process, log));
            ChildProcesses.awaitAnswer(
                    process,
                    "redis-server (cluster node)",
                    log,
                    START_TIMEOUT,
                    "PING on port " + port,
                    () -> cli(port, "PING").startsWith("PONG"));
        } catch (IOException e) {
            throw new IllegalStateException("could not start a Redis Cluster node: " + e.getMessage(), e);
        }
    }

    private void join() {
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String output = redisCli(create);
        if (!output.contains("All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create did not cover every slot: " + output);
        }
        for (Node node : nodes) {
            ChildProcesses.awaitAnswer(
                    node.process(),
                    "redis-server (cluster node)",
                    node.log(),
                    START_TIMEOUT,
                    "cluster_state:ok on port " + node.port(),
                    () -> cli(node.port(), "CLUSTER", "INFO").contains("cluster_state:ok"));
        }
    }

    /** The nodes' URLs, comma separated, for {@code quarkus.redis.hosts} with {@code quarkus.redis.client-type=cluster}. */
    public String hosts() {
        return nodes.stream().map(node -> "redis://127.0.0.1:" + node.port()).collect(Collectors.joining(","));
    }

    /** The loopback ports of the three primaries. */
    public List<Integer> ports() {
        return nodes.stream().map(Node::port).toList();
    }

    /** The hash slot Redis Cluster puts {@code key} in, as the cluster itself computes it ({@code CLUSTER KEYSLOT}). */
    public int keySlot(String key) {
        return Integer.parseInt(
                cli(nodes.getFirst().port(), "CLUSTER", "KEYSLOT", key).trim());
    }

    /** Deletes every key on every primary, so that test classes sharing the cluster start clean. */
    public void flushAll() {
        for (Node node : nodes) {
            String reply = cli(node.port(), "FLUSHALL");
            if (!reply.startsWith("OK")) {
                throw new IllegalStateException("FLUSHALL on port " + node.port() + " answered " + reply);
            }
        }
    }

    /** Runs one command with redis-cli in cluster mode ({@code -c}, following redirections) and returns its raw output. */
    public String command(String... command) {
        List<String> args = new ArrayList<>(
                List.of("-c", "-p", String.valueOf(nodes.getFirst().port()), "--raw"));
        args.addAll(List.of(command));
        return redisCli(args);
    }

    private static String cli(int port, String... command) {
        List<String> args = new ArrayList<>(List.of("-p", String.valueOf(port), "--raw"));
        args.addAll(List.of(command));
        return redisCli(args);
    }

    private static String redisCli(List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                RedisServerProcess.findOnPath("redis-cli")
                        .orElseThrow(() -> new IllegalStateException(
                                "a Redis Cluster test needs redis-cli on the PATH; apt-get install -y redis-tools"))
                        .toString(),
                "-h",
                "127.0.0.1"));
        command.addAll(args);
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = cli.getInputStream().readAllBytes();
            if (!cli.waitFor(30, TimeUnit.SECONDS)) {
                cli.destroyForcibly();
                throw new IllegalStateException("redis-cli " + String.join(" ", args) + " did not finish within 30 s");
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not run redis-cli: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running redis-cli", e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(node -> ChildProcesses.stop(node.process()));
        nodes.clear();
    }
}
