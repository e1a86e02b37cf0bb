package dev.porthole.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A Porthole service run as its own operating-system process ({@code java -jar .../quarkus-run.jar}),
 * or any other program, its output kept in a log file per test and in memory for assertions. The
 * one process runner of the end-to-end tests and of the services' own process tests.
 */
public final class ServiceProcess implements AutoCloseable {

    /** The JVM that runs the tests also runs the services (JDK 25). */
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private final String name;
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> firstStdoutLine = new CompletableFuture<>();
    /** The threads that copy its stdout and stderr, which may still be reading when the process has exited. */
    private final List<Thread> pumps = new CopyOnWriteArrayList<>();

    private ServiceProcess(String name, Process process, Path logDir) throws IOException {
        this.name = name;
        this.process = process;
        Files.createDirectories(logDir);
        pump(
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                stdout,
                logDir.resolve(name + ".out"),
                true);
        pump(
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
                stderr,
                logDir.resolve(name + ".err"),
                false);
    }

    /**
     * Starts {@code java [jvmArgs] -jar <jar> [args]} with extra environment variables.
     *
     * @param module the Maven module whose packaged application to run, e.g. {@code gateway-service}
     */
    public static ServiceProcess start(
            String name, String module, List<String> jvmArgs, List<String> args, Map<String, String> env, Path logDir) {
        ProcessBuilder builder = new ProcessBuilder(command(module, jvmArgs, args));
        builder.environment().putAll(env);
        try {
            return new ServiceProcess(name, builder.start(), logDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The settings that put a Quarkus service's HTTP server on 127.0.0.1:{@code port} and its
     * management interface on a free loopback port; a map to add the service's own settings to.
     */
    public static Map<String, String> onLoopback(int port) {
        return new HashMap<>(Map.of(
                "QUARKUS_HTTP_PORT",
                String.valueOf(port),
                "QUARKUS_HTTP_HOST",
                "127.0.0.1",
                "QUARKUS_MANAGEMENT_PORT",
                String.valueOf(FreePorts.loopback())));
    }

    /**
     * The command line that runs {@code module}'s packaged application: for {@link #start}, and for a
     * terminal. The module is found under the system property {@code porthole.root}, else the parent
     * of the working directory (a module's own directory, where its tests run).
     */
    public static List<String> command(String module, List<String> jvmArgs, List<String> args) {
        Path jar = Path.of(System.getProperty("porthole.root", ".."))
                .resolve(module)
                .resolve("target/quarkus-app/quarkus-run.jar")
                .toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: run 'mvn package' (or 'mvn verify' from the top) first");
        }
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        return command;
    }

    /** Starts a program that is not a Porthole service (haproxy, sshd), its output kept like a service's. */
    public static ServiceProcess exec(String name, List<String> command, Path logDir) {
        try {
            return new ServiceProcess(name, new ProcessBuilder(command).start(), logDir);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
        }
    }

    /** The first line the process printed on standard output (agents print their public URL there). */
    public String awaitFirstLine(Duration timeout) {
        try {
            return firstStdoutLine.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(
                    name + " printed nothing on stdout within " + timeout + "; stderr:\n"
                            + String.join("\n", tail(stderr)),
                    e);
        }
    }

    /** Waits until a line of its output matches. */
    public void awaitLog(Predicate<String> line, Duration timeout) {
        Awaitility.await(name + " logs the expected line")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .failFast(name + " exited", () -> !process.isAlive())
                .until(() -> stderr.stream().anyMatch(line) || stdout.stream().anyMatch(line));
    }

    /** The process's standard input (a pipe): what an agent reads with --token-stdin, or login without a terminal. */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public List<String> stderr() {
        return stderr;
    }

    public List<String> stdout() {
        return stdout;
    }

    /** Everything it printed so far, standard error first, one line each. */
    public String output() {
        return String.join("\n", stderr) + "\n" + String.join("\n", stdout);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Resident memory in bytes, from /proc. */
    public long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the memory of " + name, e);
        }
        throw new IllegalStateException("no VmRSS for " + name);
    }

    /**
     * Waits for the process to exit on its own and returns its exit code, once what it printed has
     * been read: a process's exit comes before its pipes are drained, and a caller reading
     * {@link #stdout()} straight after would otherwise find its last lines (or all of them) missing.
     */
    public int awaitExit(Duration timeout) {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout);
            }
            for (Thread pump : pumps) {
                // A child it left behind may hold the pipe open: then the output read so far has to do.
                pump.join(Math.max(1000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGKILL: the process gets no chance to say goodbye. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /**
     * SIGTERM, without waiting: for watching what the process does while it stops. Through the
     * process handle, because {@code Process.destroy()} also closes the pipes and so loses its last lines.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGTERM, then SIGKILL if it does not stop in time. */
    public void stop() {
        if (process.isAlive()) {
            ChildProcesses.stop(process, Duration.ofSeconds(15));
        }
    }

    /**
     * Stops {@code processes} together: SIGTERM to each at once, then waits for all, so that a system
     * of a dozen processes stops in the time of its slowest one rather than the sum. Whatever has not
     * stopped after 15 s gets SIGKILL.
     */
    public static void stopAll(List<ServiceProcess> processes) {
        List<ServiceProcess> alive =
                processes.stream().filter(p -> p.process.isAlive()).toList();
        alive.forEach(ServiceProcess::terminate);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        try {
            for (ServiceProcess each : alive) {
                long left = deadline - System.nanoTime();
                if (!each.process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
                    each.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void pump(BufferedReader reader, List<String> lines, Path file, boolean firstLine) {
        Thread pump = new Thread(
                () -> {
                    try (reader;
                            PrintWriter log =
                                    new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), true)) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            lines.add(line);
                            log.println(line);
                            if (firstLine) {
                                firstStdoutLine.complete(line);
                            }
                        }
                    } catch (IOException e) {
                        // The process ended.
                    }
                },
                name + "-output");
        pump.setDaemon(true);
        pumps.add(pump);
        pump.start();
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 30), lines.size());
    }
}
