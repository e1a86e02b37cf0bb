package dev.porthole.e2e.support;

import dev.porthole.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server on loopback for tests: its own host key, one generated client key in its
 * authorized keys, a free port, running as the current user.
 */
public final class SshServer implements AutoCloseable {

    private final Path dir;
    private final int port = FreePorts.loopback();
    private final Process process;

    public SshServer(Path dir) throws IOException, InterruptedException {
        this.dir = dir.toAbsolutePath();
        Files.createDirectories(this.dir);
        for (String key : List.of("host_key", "client_key")) {
            Files.deleteIfExists(this.dir.resolve(key));
            Files.deleteIfExists(this.dir.resolve(key + ".pub"));
            run(List.of(
                    "ssh-keygen",
                    "-q",
                    "-t",
                    "ed25519",
                    "-N",
                    "",
                    "-f",
                    this.dir.resolve(key).toString()));
        }
        Files.copy(
                this.dir.resolve("client_key.pub"),
                this.dir.resolve("authorized_keys"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(
                this.dir.resolve("sshd_config"),
                String.join(
                        "\n",
                        "Port " + port,
                        "ListenAddress 127.0.0.1",
                        "HostKey " + this.dir.resolve("host_key"),
                        "AuthorizedKeysFile " + this.dir.resolve("authorized_keys"),
                        "PidFile " + this.dir.resolve("sshd.pid"),
                        "StrictModes no",
                        "UsePAM no",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "PermitRootLogin prohibit-password",
                        ""));
        if ("root".equals(System.getProperty("user.name"))) {
            // sshd started by root insists on its privilege separation directory, which the package creates only at
            // boot.
            Files.createDirectories(Path.of("/run/sshd"));
        }
        process = new ProcessBuilder(
                        "/usr/sbin/sshd",
                        "-D",
                        "-e",
                        "-f",
                        this.dir.resolve("sshd_config").toString())
                .redirectErrorStream(true)
                .redirectOutput(this.dir.resolve("sshd.log").toFile())
                .start();
        PortholeSystem.awaitPort(port, () -> process.isAlive(), "sshd");
    }

    public int port() {
        return port;
    }

    /** {@code ssh} options that log in with the generated key and trust any host key. */
    public List<String> sshCommand(String host, int toPort, String remoteCommand) {
        return List.of(
                "ssh",
                "-i",
                dir.resolve("client_key").toString(),
                "-p",
                String.valueOf(toPort),
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "BatchMode=yes",
                "-o",
                "LogLevel=ERROR",
                host,
                remoteCommand);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
