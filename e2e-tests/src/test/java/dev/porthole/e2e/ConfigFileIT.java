package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real gateways: a token file changed under one of them is in force on both, without a restart. */
class ConfigFileIT {

    private static final String OLD_TOKEN = "old-token-0123456789";
    private static final String NEW_TOKEN = "new-token-0123456789";

    @Test
    void aFileChangedUnderOneGatewayIsAppliedByTheOther(@TempDir Path folder) throws Exception {
        Path first = folder.resolve("first").resolve("porthole.yml");
        Path second = folder.resolve("second").resolve("porthole.yml");
        for (Path file : List.of(first, second)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "tokens: [ \"" + OLD_TOKEN + "\" ]\n");
        }
        try (PortholeSystem system = new PortholeSystem("ConfigFileIT")) {
            system.gatewaySetting("PORTHOLE_GATEWAY_CONFIG_FILE_CHECK_INTERVAL", "200ms")
                    .gatewaySetting("PORTHOLE_GATEWAY_CONFIG_FILE", first.toString())
                    .startUpstream()
                    .startGateway();
            system.gatewaySetting("PORTHOLE_GATEWAY_CONFIG_FILE", second.toString());
            int otherPort = system.newGateway("gateway-2").start().port();
            ServiceProcess oldAgent = system.launchHttpAgent("old-agent", otherPort, List.of("--token", OLD_TOKEN));
            oldAgent.awaitFirstLine(PortholeSystem.START_TIMEOUT);

            Path next = first.resolveSibling("porthole.yml.new");
            Files.writeString(next, "tokens: [ \"" + NEW_TOKEN + "\" ]\n");
            Files.move(next, first, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            assertThat(oldAgent.awaitExit(Duration.ofSeconds(20)))
                    .as("auth failed")
                    .isEqualTo(3);
            assertThat(oldAgent.stderr())
                    .anyMatch(line -> line.contains("removed from the gateway's configuration file"));
            PortholeSystem.Agent newAgent =
                    system.startAgent("new-agent", otherPort, List.of("-Xmx128m"), List.of("--token", NEW_TOKEN));
            assertThat(Http.getByHost(system, otherPort, newAgent.name(), "/hello")
                            .body())
                    .isEqualTo("hello\n");
        }
    }
}
