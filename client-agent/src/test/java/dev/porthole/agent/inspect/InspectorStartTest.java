package dev.porthole.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.upstream.ExchangeTap;
import dev.porthole.agent.upstream.UpstreamAddress;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InspectorStartTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private static InspectorSettings settings(boolean enabled, int port) {
        return new InspectorSettings(
                enabled,
                new UpstreamAddress("127.0.0.1", port),
                64 * 1024,
                500,
                32L * 1024 * 1024,
                Duration.ofSeconds(5));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void servesOnTheAddressAndRecordsThroughTheReturnedTap() throws Exception {
        int port = freePort();
        ExchangeTap tap = Inspector.start(vertx, settings(true, port))
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        assertThat(tap).isInstanceOf(ExchangeStore.class);
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/requests"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
    }

    @Test
    void aTakenPortLeavesTheAgentWithoutAnInspectorInsteadOfFailing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ExchangeTap tap = Inspector.start(vertx, settings(true, taken.getLocalPort()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
            assertThat(tap).isSameAs(ExchangeTap.NONE);
        }
    }

    @Test
    void theHintForATakenPortNamesOneThatIsFree() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            try (ServerSocket next = bindOrNull(port + 1)) {
                String hint = Inspector.otherAddressHint(new UpstreamAddress("127.0.0.1", port));
                assertThat(hint)
                        .contains("--no-inspect")
                        .doesNotContain("127.0.0.1:" + port + " ")
                        .doesNotContain("127.0.0.1:" + (port + 1) + " ");
                int suggested =
                        Integer.parseInt(hint.replaceAll("(?s).*--inspect-address 127\\.0\\.0\\.1:(\\d+).*", "$1"));
                assertThat(suggested).isBetween(port + 1, port + Inspector.HINT_PORTS);
                try (ServerSocket free = new ServerSocket(suggested, 1, InetAddress.getLoopbackAddress())) {
                    assertThat(free.getLocalPort())
                            .as("the suggested port is free")
                            .isEqualTo(suggested);
                }
            }
        }
    }

    /** Binds the port if it is free, so the hint must look past it; null if something else has it. */
    private static ServerSocket bindOrNull(int port) {
        try {
            return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Test
    void offMeansNoServerAndNoRecording() throws Exception {
        int port = freePort();
        assertThat(Inspector.start(vertx, settings(false, port))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get())
                .isSameAs(ExchangeTap.NONE);
        try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(free.getLocalPort())
                    .as("nothing listens on the inspector's port")
                    .isEqualTo(port);
        }
    }
}
