package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.testing.FreePorts;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The porthole command as a user runs it: arguments in, exit code and messages out. */
@QuarkusMainTest
class CommandLineTest {

    @Test
    @Launch(value = {"--version"})
    void printsItsVersion(LaunchResult result) {
        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutput()).startsWith("porthole ");
    }

    @Test
    @Launch(
            value = {"http"},
            exitCode = 2)
    void aMissingUpstreamIsAUsageError(LaunchResult result) {
        assertThat(result.getErrorOutput())
                .contains("Missing required parameter")
                .contains("<port|host:port>");
    }

    @Test
    @Launch(
            value = {"http", "3000", "--subdomian"},
            exitCode = 2)
    void anUnknownOptionIsOneLineWithASuggestionAndTheWayToHelp(LaunchResult result) {
        assertThat(result.getErrorStream())
                .containsExactly(
                        "porthole: Unknown option: '--subdomian'",
                        "Did you mean --subdomain or --sub-domain?",
                        "Try 'porthole http --help' for more information.");
    }

    @Test
    @Launch(value = {"http", "--help"})
    void theSynopsisNamesTheArgumentWithoutListingEveryOption(LaunchResult result) {
        assertThat(result.getOutputStream().getFirst()).isEqualTo("Usage: porthole http [OPTIONS] <port|host:port>");
    }

    @Test
    @Launch(
            value = {"http", "not-a-port"},
            exitCode = AgentExit.CONFIG_ERROR)
    void aBadUpstreamIsAConfigurationError(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("expected port, host:port or [ipv6]:port");
    }

    @Test
    @Launch(
            value = {"tls", "8443"},
            exitCode = AgentExit.CONFIG_ERROR)
    void aTlsTunnelWithoutANameIsAConfigurationError(LaunchResult result) {
        assertThat(result.getErrorOutput())
                .contains("a TLS tunnel needs --subdomain NAME")
                .contains("certificate must name NAME.<domain>");
    }

    @Test
    @Launch(
            value = {"http", "3000", "--token", "a", "--credentials", "id:secret"},
            exitCode = AgentExit.CONFIG_ERROR)
    void tokenAndCredentialsTogetherAreRefused(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("either --token or --credentials");
    }

    @Test
    void versionPrintsTheAgentsLinesOnceWhenItAlsoAsksTheGateway(QuarkusMainLauncher launcher) throws Exception {
        int closedPort = FreePorts.loopback();
        // The agent's lines come before the boot, the handshake after it: each line once, then the failure.
        LaunchResult result = launcher.launch("version", "--server", "http://127.0.0.1:" + closedPort);
        assertThat(result.exitCode()).isEqualTo(AgentExit.UNREACHABLE);
        assertThat(result.getOutputStream())
                .hasSize(3)
                .startsWith("porthole " + AgentVersion.current())
                .endsWith("java " + Runtime.version());
        assertThat(result.getErrorOutput()).startsWith("porthole: ").contains("127.0.0.1:" + closedPort);
    }

    @Test
    void givesUpOnAnUnreachableGatewayAfterTheRetryBudget(QuarkusMainLauncher launcher) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        LaunchResult result =
                launcher.launch("http", "3000", "--server", "http://127.0.0.1:" + closedPort, "--max-retries", "2");
        assertThat(result.exitCode()).isEqualTo(AgentExit.UNREACHABLE);
        assertThat(result.getErrorOutput()).contains("cannot reach the gateway").contains("gave up after 2 attempts");
        assertThat(result.getOutput()).as("nothing on stdout but addresses").isEmpty();
    }
}
