package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.tunnel.AgentExit;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The inspector's command-line options: bad values are refused with the option named; a taken port is not fatal. */
@QuarkusMainTest
class InspectOptionsTest {

    @Test
    @Launch(
            value = {"http", "3000", "--inspect-body-cap", "lots"},
            exitCode = 2)
    void aSizeThatIsNotASizeIsAUsageError(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("'lots' is not a size; write it like 65536, 64K, 32M or 1G");
    }

    @Test
    @Launch(
            value = {
                "http",
                "3000",
                "--inspect-body-cap",
                "8M",
                "--inspect-max-memory",
                "1M",
                "--inspect-max-requests",
                "0"
            },
            exitCode = AgentExit.CONFIG_ERROR)
    void reportsEveryBadLimitNamingTheOption(LaunchResult result) {
        assertThat(result.getErrorOutput())
                .contains("--inspect-max-requests must be between 1 and 100000, was 0")
                .contains(
                        "--inspect-max-memory (1048576 bytes) must hold at least one request and response at the body cap");
    }

    @Test
    @Launch(
            value = {"http", "3000", "--inspect-address", "localhost:http"},
            exitCode = AgentExit.CONFIG_ERROR)
    void aBadAddressIsAConfigurationError(LaunchResult result) {
        assertThat(result.getErrorOutput())
                .contains("--inspect-address: 'localhost:http': 'http' is not a port number");
    }

    @Test
    void aTakenPortLeavesTheAgentRunningWithoutTheInspector(QuarkusMainLauncher launcher) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LaunchResult result = launcher.launch(
                    "http",
                    "3000",
                    "--server",
                    "http://127.0.0.1:" + closedPort,
                    "--max-retries",
                    "1",
                    "--inspect-address",
                    "127.0.0.1:" + taken.getLocalPort());
            // The agent went on to try the gateway, so the taken port did not stop it (the warning it logs is
            // checked with real processes in InspectorIT).
            assertThat(result.exitCode()).isEqualTo(AgentExit.UNREACHABLE);
            assertThat(result.getErrorOutput()).contains("cannot reach the gateway");
        }
    }
}
