package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 200 MiB download through the tunnel, three times, with gateway and agent limited to a 128 MiB
 * heap: the bytes arrive intact and neither process grows with what it carried.
 */
class LargeDownloadIT {

    private static final long SIZE = 200L * 1024 * 1024;
    /** Stated bound: resident memory of gateway and agent stays under 320 MiB with -Xmx128m. */
    private static final long RESIDENT_BOUND = 320L * 1024 * 1024;

    private static final String[] SMALL_HEAP = {"-Xmx128m", "-XX:MaxDirectMemorySize=64m"};

    private static PortholeSystem system;
    private static PortholeSystem.Agent agent;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("LargeDownloadIT")
                .gatewayJvm(SMALL_HEAP)
                .startGateway()
                .startUpstream();
        agent = system.startAgent("agent", List.of(SMALL_HEAP), List.of());
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void repeatedDownloadsArriveIntactWithinBoundedAndFlatMemory() throws Exception {
        String expected =
                Http.get(system.upstreamUrl("/bytes/" + SIZE + "/sha256")).body();
        long[] gatewayResident = new long[3];
        long[] agentResident = new long[3];
        for (int round = 0; round < 3; round++) {
            assertThat(download()).as("round %d", round).isEqualTo(expected);
            gatewayResident[round] = system.gateway().residentBytes();
            agentResident[round] = agent.process().residentBytes();
        }
        System.out.printf(
                "resident after each 200 MiB download: gateway %s MiB, agent %s MiB%n",
                mib(gatewayResident), mib(agentResident));
        for (int round = 0; round < 3; round++) {
            assertThat(gatewayResident[round])
                    .as("gateway after round %d", round)
                    .isLessThan(RESIDENT_BOUND);
            assertThat(agentResident[round]).as("agent after round %d", round).isLessThan(RESIDENT_BOUND);
        }
        // Flat: the third download does not cost more memory than the first one did.
        assertThat(gatewayResident[2] - gatewayResident[0]).isLessThan(48L * 1024 * 1024);
        assertThat(agentResident[2] - agentResident[0]).isLessThan(48L * 1024 * 1024);
    }

    private String download() throws Exception {
        HttpResponse<InputStream> response = Http.send(
                HttpRequest.newBuilder(URI.create(system.pathUrl(agent.name(), "/bytes/" + SIZE)))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[256 * 1024];
            int read;
            while ((read = body.read(buffer)) >= 0) {
                digest.update(buffer, 0, read);
                total += read;
            }
        }
        assertThat(total).isEqualTo(SIZE);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String mib(long[] values) {
        StringBuilder out = new StringBuilder();
        for (long value : values) {
            out.append(out.isEmpty() ? "" : ", ").append(value / (1024 * 1024));
        }
        return out.toString();
    }
}
