package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent as a user installs it: client-agent/target/porthole-<version>.tar.gz unpacked, and its
 * {@code bin/porthole} launcher run as a real process, which finds a Java 25, refuses an older one,
 * and prints nothing but each command's own output.
 */
class DistributionIT {

    private static final Path ROOT =
            Path.of(System.getProperty("porthole.root", "..")).toAbsolutePath().normalize();
    private static final Path UNPACKED = Path.of("target", "distribution-it").toAbsolutePath();
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static Path launcher;
    private static String version;

    /** One run of the launcher: exit code and both streams, line by line. */
    record Run(int exit, List<String> out, List<String> err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);
        }
    }

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball;
        try (Stream<Path> files = Files.list(ROOT.resolve("client-agent/target"))) {
            tarball = files.filter(f -> f.getFileName().toString().matches("porthole-.+\\.tar\\.gz"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "no porthole-<version>.tar.gz in client-agent/target: package client-agent first"));
        }
        version =
                tarball.getFileName().toString().replaceFirst("^porthole-", "").replaceFirst("\\.tar\\.gz$", "");
        deleteRecursively(UNPACKED);
        Files.createDirectories(UNPACKED);
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", UNPACKED.toString())
                .inheritIO()
                .start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0)
                .as("tar xzf " + tarball)
                .isTrue();
        launcher = UNPACKED.resolve("porthole-" + version).resolve("bin/porthole");
        assertThat(launcher).isExecutable();
    }

    @Test
    void versionNamesTheAgentAndItsProtocolVersionsAndNothingElse() throws Exception {
        Run run = porthole(Map.of("PORTHOLE_JAVA", JAVA), "version");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .as(run.toString())
                .containsExactly(
                        "porthole " + version,
                        "protocol " + ProtocolVersion.MIN + "-" + ProtocolVersion.MAX,
                        "java " + Runtime.version());
        assertThat(run.err()).as(run.toString()).isEmpty();
    }

    @Test
    void startsFromTheCacheTheBuildTrainedWhenRunOnTheBuildsJava() throws Exception {
        Path app = launcher.getParent().getParent().resolve("lib/porthole");
        assertThat(app.resolve("porthole.aot")).isNotEmptyFile();
        // Options in JDK_JAVA_OPTIONS still apply, without the JVM's "Picked up" note in the output.
        Run run = porthole(
                Map.of(
                        "PORTHOLE_JAVA",
                        JAVA,
                        "PORTHOLE_JAVA_OPTS",
                        "-Xlog:aot=info",
                        "JDK_JAVA_OPTIONS",
                        "-Dporthole.unused=1"),
                "--version");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .as(run.toString())
                .anyMatch(l -> l.contains("Opened AOT cache " + app.resolve("porthole.aot")))
                .noneMatch(l -> l.contains("Picked up"))
                .contains("porthole " + version);
        assertThat(run.err()).as(run.toString()).noneMatch(l -> l.contains("Picked up"));
    }

    @Test
    void anotherJavaGetsACacheOfItsOwnAfterItsFirstRun() throws Exception {
        // The same JDK behind a script whose -version differs from the one the build's cache was made with.
        Path other = fakeJava("other-java", "");
        Files.writeString(
                other,
                "#!/bin/sh\nif [ \"$1\" = -version ]; then \"" + JAVA
                        + "\" -version; echo 'another build' >&2; exit 0; fi\n" + "exec \"" + JAVA + "\" \"$@\"\n");
        Path cache = UNPACKED.resolve("home/.cache/porthole");
        deleteRecursively(cache);
        Run first = porthole(Map.of("PORTHOLE_JAVA", other.toString()), "--version");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).as(first.toString()).first().isEqualTo("porthole " + version);
        await("the background training run writes the cache")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Files.isDirectory(cache)
                        && cacheFiles(cache).anyMatch(f -> f.toString().endsWith(".aot")));
        Run next = porthole(
                Map.of("PORTHOLE_JAVA", other.toString(), "PORTHOLE_JAVA_OPTS", "-Xlog:aot=info"), "--version");
        assertThat(next.out()).as(next.toString()).anyMatch(l -> l.contains("Opened AOT cache " + cache));
    }

    private static Stream<Path> cacheFiles(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.toList().stream();
        }
    }

    @Test
    void versionAsksAConfiguredGatewayWhichProtocolVersionItSpeaks() throws Exception {
        try (PortholeSystem system = new PortholeSystem("DistributionIT").startGateway()) {
            String server = "http://127.0.0.1:" + system.gatewayPort();
            Run run = porthole(Map.of("JAVA_HOME", System.getProperty("java.home")), "version", "--server", server);
            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.out())
                    .as(run.toString())
                    .hasSize(4)
                    .startsWith("porthole " + version)
                    .endsWith("gateway " + server + " protocol " + ProtocolVersion.MAX);
            assertThat(run.err()).as(run.toString()).isEmpty();
        }
    }

    @Test
    void versionSaysWhenTheConfiguredGatewayIsUnreachable() throws Exception {
        int closed = FreePorts.loopback();
        Run run = porthole(Map.of("PORTHOLE_JAVA", JAVA, "SERVER", "http://127.0.0.1:" + closed), "version");
        assertThat(run.exit()).as(run.toString()).isEqualTo(5);
        assertThat(run.out()).as(run.toString()).hasSize(3).startsWith("porthole " + version);
        assertThat(run.err())
                .as(run.toString())
                .singleElement()
                .asString()
                .startsWith("porthole: ")
                .contains("127.0.0.1:" + closed);
    }

    @Test
    void helpConfigCheckAndStatusPrintOnlyTheirOwnOutput() throws Exception {
        Map<String, String> env = Map.of("PORTHOLE_JAVA", JAVA);
        Run help = porthole(env, "--help");
        assertThat(help.exit()).as(help.toString()).isZero();
        assertThat(help.out()).as(help.toString()).first().isEqualTo("Usage: porthole [-hV] [COMMAND]");
        assertThat(help.err()).as(help.toString()).isEmpty();

        Path config = UNPACKED.resolve("porthole.yml");
        Files.writeString(
                config, "server: http://127.0.0.1:8080\ntunnels:\n  web:\n    type: http\n    upstream: 3000\n");
        Run check = porthole(env, "config", "check", "--config", config.toString());
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out())
                .as(check.toString())
                .containsExactly(config + ": 1 tunnel, no mistakes", "  web: http -> 127.0.0.1:3000");
        assertThat(check.err()).as(check.toString()).isEmpty();

        int closed = FreePorts.loopback();
        Run status = porthole(env, "status", "--inspect-address", "127.0.0.1:" + closed);
        assertThat(status.exit()).as(status.toString()).isEqualTo(5);
        assertThat(status.out()).as(status.toString()).isEmpty();
        assertThat(status.err())
                .as(status.toString())
                .singleElement()
                .asString()
                .startsWith("porthole: no agent answers at 127.0.0.1:" + closed);
    }

    @Test
    void refusesAJavaOlderThan25AndSaysWhichItFound() throws Exception {
        Path old = fakeJava("old-java", "openjdk version \"21.0.2\" 2024-01-16");
        Run run = porthole(Map.of("PORTHOLE_JAVA", old.toString()), "version");
        assertThat(run.exit()).as(run.toString()).isEqualTo(6);
        assertThat(run.out()).as(run.toString()).isEmpty();
        assertThat(run.err())
                .as(run.toString())
                .containsExactly(
                        "porthole: " + old
                                + " (from PORTHOLE_JAVA) is Java 21.0.2; Porthole needs Java 25 or newer. Install one and set PORTHOLE_JAVA (or JAVA_HOME) to it");

        Path java8 = fakeJava("java8/bin/java", "java version \"1.8.0_402\"");
        Run eight = porthole(Map.of("JAVA_HOME", java8.getParent().getParent().toString()), "--help");
        assertThat(eight.exit()).as(eight.toString()).isEqualTo(6);
        assertThat(eight.err())
                .as(eight.toString())
                .singleElement()
                .asString()
                .contains("(from JAVA_HOME) is Java 1.8.0_402; Porthole needs Java 25");
    }

    @Test
    void saysHowToGetJavaWhenThereIsNone() throws Exception {
        // A PATH with the tools the launcher uses, and no java.
        Path bin = UNPACKED.resolve("no-java-bin");
        Files.createDirectories(bin);
        for (String tool : List.of("dirname", "readlink", "sed", "cut", "head", "cat", "cksum", "mkdir", "mv", "rm")) {
            Path link = bin.resolve(tool);
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, whereIs(tool));
            }
        }
        Run run = porthole(Map.of("PATH", bin.toString()), "version");
        assertThat(run.exit()).as(run.toString()).isEqualTo(6);
        assertThat(run.err())
                .as(run.toString())
                .containsExactly(
                        "porthole: no Java found; Porthole needs Java 25 or newer. Install one (e.g. Temurin 25) "
                                + "and put its bin folder on PATH, or set PORTHOLE_JAVA to its java or JAVA_HOME to its folder");
    }

    /** Runs the launcher with a clean environment (no Java settings, no SERVER, a HOME of its own) plus {@code env}. */
    private static Run porthole(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(UNPACKED.toFile());
        Map<String, String> environment = builder.environment();
        environment
                .keySet()
                .removeIf(k -> k.startsWith("PORTHOLE_")
                        || k.startsWith("JAVA")
                        || k.startsWith("JDK_")
                        || List.of("SERVER", "TOKEN", "CREDENTIALS", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
                                .contains(k));
        environment.put("HOME", UNPACKED.resolve("home").toString());
        environment.put("PATH", "/usr/bin:/bin");
        environment.putAll(env);
        Path out = Files.createTempFile(UNPACKED, "out", ".txt");
        Path err = Files.createTempFile(UNPACKED, "err", ".txt");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("porthole " + String.join(" ", args) + " did not end within 60 s");
        }
        return new Run(process.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
    }

    private static Path fakeJava(String name, String versionLine) throws IOException {
        Path script = UNPACKED.resolve(name);
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\necho '" + versionLine + "' >&2\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static Path whereIs(String tool) {
        return Stream.of("/usr/bin", "/bin")
                .map(d -> Path.of(d, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError(tool + " not in /usr/bin or /bin"));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
