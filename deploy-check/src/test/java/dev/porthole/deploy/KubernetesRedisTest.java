package dev.porthole.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes Redis container's start script and readiness probe, run for real with Debian's
 * redis-server: only the ACL user "porthole" logs in, with the Secret's password, and the password
 * is in no process's arguments (any process of the pod could read those).
 */
class KubernetesRedisTest {

    @TempDir
    Path dir;

    @Test
    void redisStartsWithTheSecretsPasswordWhichNoArgumentCarries() throws Exception {
        Map<String, Object> redis = redisContainer();
        assertThat(KubernetesManifestsTest.strings(redis.get("command"))).containsExactly("sh", "-c");
        int port = FreePorts.loopback();
        // Run where a test may: its own port and folders instead of 6379, /acl and /data.
        String script = KubernetesManifestsTest.strings(redis.get("args"))
                .getFirst()
                .replace("/acl/", dir + "/")
                .replace(
                        "exec redis-server",
                        "exec redis-server --port " + port + " --bind 127.0.0.1 --dir " + dir + " --save ''");
        String password = UUID.randomUUID().toString().replace("-", "");
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile());
        builder.environment().put("REDIS_PASSWORD", password);
        Process server = builder.start();
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> run(
                                    Map.of("REDISCLI_AUTH", password),
                                    "redis-cli",
                                    "-p",
                                    String.valueOf(port),
                                    "--no-auth-warning",
                                    "--user",
                                    "porthole",
                                    "ping")
                            .equals("PONG"));

            assertThat(run(Map.of(), "redis-cli", "-p", String.valueOf(port), "ping"))
                    .as("the default user is off")
                    .contains("NOAUTH");
            assertThat(run(
                            Map.of("REDISCLI_AUTH", "wrong"),
                            "redis-cli",
                            "-p",
                            String.valueOf(port),
                            "--no-auth-warning",
                            "--user",
                            "porthole",
                            "ping"))
                    .contains("WRONGPASS");
            String arguments = Files.readString(Path.of("/proc", String.valueOf(server.pid()), "cmdline"))
                    .replace('\0', ' ');
            assertThat(arguments)
                    .as("redis-server's arguments")
                    .contains("redis-server")
                    .doesNotContain(password);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("users.acl"))))
                    .isEqualTo("rw-------");

            String probe = KubernetesManifestsTest.strings(
                            KubernetesManifestsTest.map(KubernetesManifestsTest.map(redis.get("readinessProbe"))
                                            .get("exec"))
                                    .get("command"))
                    .getLast()
                    .replace("redis-cli", "redis-cli -p " + port);
            assertThat(probe).doesNotContain("--pass");
            assertThat(exitCode(Map.of("REDIS_PASSWORD", password), "sh", "-c", probe))
                    .as("the readiness probe passes")
                    .isZero();
            assertThat(exitCode(Map.of("REDIS_PASSWORD", "wrong"), "sh", "-c", probe))
                    .as("and fails with another password")
                    .isNotZero();
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static Map<String, Object> redisContainer() {
        Map<String, Object> statefulSet = KubernetesManifestsTest.readBase().stream()
                .filter(o -> "StatefulSet".equals(o.get("kind")) && "redis".equals(KubernetesManifestsTest.name(o)))
                .findFirst()
                .orElseThrow();
        return KubernetesManifestsTest.containers(statefulSet).getFirst();
    }

    private static String run(Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor();
        return output;
    }

    private static int exitCode(Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
