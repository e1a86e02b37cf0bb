package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.tunnel.AgentExit;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code porthole config init|check} and {@code porthole start}'s answers to a bad file, as a user runs them. */
@QuarkusMainTest
class ConfigCommandTest {

    @TempDir
    Path dir;

    @Test
    void initWritesAnExampleThatCheckAccepts(QuarkusMainLauncher launcher) {
        Path file = dir.resolve("porthole.yml");
        LaunchResult init = launcher.launch("config", "init", "-c", file.toString());
        assertThat(init.exitCode()).isZero();
        assertThat(file).exists().content().contains("tunnels:");
        LaunchResult check = launcher.launch("config", "check", "--config", file.toString());
        assertThat(check.exitCode()).isZero();
        assertThat(check.getOutput()).contains("3 tunnels, no mistakes").contains("web: http -> 127.0.0.1:3000");
    }

    @Test
    void initDoesNotOverwriteWithoutForce(QuarkusMainLauncher launcher) throws Exception {
        Path file = Files.writeString(dir.resolve("porthole.yml"), "mine\n");
        LaunchResult again = launcher.launch("config", "init", "-c", file.toString());
        assertThat(again.exitCode()).isEqualTo(AgentExit.CONFIG_ERROR);
        assertThat(again.getErrorOutput()).contains("exists; add --force");
        assertThat(file).hasContent("mine");
        assertThat(launcher.launch("config", "init", "-c", file.toString(), "--force")
                        .exitCode())
                .isZero();
        assertThat(file).content().contains("tunnels:");
    }

    @Test
    void checkReportsEveryMistakeAndExitsWithTheConfigErrorCode(QuarkusMainLauncher launcher) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yml"), """
                tunnels:
                  web:
                    type: http
                    upstream: 3000
                    port: 80
                  ssh:
                    type: tcp
                """);
        LaunchResult check = launcher.launch("config", "check", "-c", file.toString());
        assertThat(check.exitCode()).isEqualTo(AgentExit.CONFIG_ERROR);
        assertThat(check.getErrorOutput())
                .contains("porthole: " + file + ":5: tunnels.web.port: is for tcp tunnels only")
                .contains("porthole: " + file + ":6: tunnels.ssh.upstream: missing");
    }

    @Test
    void startRefusesABadFileBeforeConnecting(QuarkusMainLauncher launcher) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yml"), "tunnels:\n  web:\n    type: http\n    upstream: nope\n");
        LaunchResult start = launcher.launch("start", "-c", file.toString());
        assertThat(start.exitCode()).isEqualTo(AgentExit.CONFIG_ERROR);
        assertThat(start.getErrorOutput()).contains(file + ":4: tunnels.web.upstream:");
        assertThat(start.getOutput()).isEmpty();
    }

    @Test
    void startRefusesATunnelNameTheFileDoesNotHave(QuarkusMainLauncher launcher) throws Exception {
        Path file = Files.writeString(dir.resolve("porthole.yml"), "tunnels:\n  web: {type: http, upstream: 3000}\n");
        LaunchResult start = launcher.launch("start", "-c", file.toString(), "api");
        assertThat(start.exitCode()).isEqualTo(AgentExit.CONFIG_ERROR);
        assertThat(start.getErrorOutput()).contains("no tunnel 'api' in the configuration; it has: web");
    }

    @Test
    void startWithoutAFileSaysHowToWriteOne(QuarkusMainLauncher launcher) {
        LaunchResult start =
                launcher.launch("start", "-c", dir.resolve("none.yml").toString());
        assertThat(start.exitCode()).isEqualTo(AgentExit.CONFIG_ERROR);
        assertThat(start.getErrorOutput()).contains("no such file").contains("porthole config init");
    }
}
