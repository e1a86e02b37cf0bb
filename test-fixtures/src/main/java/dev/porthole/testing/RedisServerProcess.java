package dev.porthole.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process on a loopback port: the one on the PATH if there is one,
 * otherwise the Linux binary that the embedded-redis artifact ships. It can be stopped and started
 * again on the same port, for tests of what happens while Redis is away.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final String EMBEDDED_BINARY = "redis-server-6.2.6-v5-linux-amd64";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final int port;
    private final Path workDir;
    private Process process;

    private RedisServerProcess(Path binary, int port, Path workDir) {
        this.binary = binary;
        this.port = port;
        this.workDir = workDir;
    }

    /** Starts a redis-server on a free loopback port. */
    public static RedisServerProcess startOnFreePort() {
        try {
            RedisServerProcess redis = new RedisServerProcess(locateBinary(), freePort(), Files.createTempDirectory("porthole-redis"));
            redis.start();
            return redis;
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server: " + e.getMessage(), e);
        }
    }

    /** The redis-server binary: from the PATH, else extracted from the embedded-redis jar. */
    public static Path locateBinary() throws IOException {
        Optional<Path> onPath = findOnPath("redis-server");
        if (onPath.isPresent()) {
            return onPath.get();
        }
        try (InputStream in = RedisServerProcess.class.getClassLoader().getResourceAsStream(EMBEDDED_BINARY)) {
            if (in == null) {
                throw new IOException("no redis-server on the PATH and no " + EMBEDDED_BINARY + " on the classpath;"
                        + " install one with 'apt-get install -y redis-server' or set REDIS_URL");
            }
            Path target = Files.createTempFile("redis-server", "");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            target.toFile().deleteOnExit();
            return target;
        }
    }

    public int port() {
        return port;
    }

    /** The URL for the Quarkus Redis client: {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the process (again) and waits until it answers PING. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", workDir.toString(), "--daemonize", "no", "--loglevel", "warning"));
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + binary + ": " + e.getMessage(), e);
        }
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!answersPing()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see " + workDir.resolve("redis.log"));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("redis-server did not answer PING on port " + port + " within " + START_TIMEOUT);
            }
            Thread.onSpinWait();
        }
    }

    /** Stops the process and waits for it to exit. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Deletes every key, so that test classes sharing this server start clean. */
    public void flushAll() {
        String reply = command("FLUSHALL");
        if (!reply.startsWith("+OK")) {
            throw new IllegalStateException("FLUSHALL answered " + reply);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean answersPing() {
        try {
            return command("PING").startsWith("+PONG");
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Sends one inline command and returns the first reply line. */
    private String command(String inline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        } catch (IOException e) {
            throw new IllegalStateException("redis on port " + port + " did not answer: " + e.getMessage(), e);
        }
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A port that was free a moment ago on the loopback interface. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }
}
