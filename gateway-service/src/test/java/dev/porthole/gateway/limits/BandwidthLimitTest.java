package dev.porthole.gateway.limits;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.Counters;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transfers through a tunnel limited to 256 KiB/s each way: the gateway pauses the sender when a
 * bucket runs dry and resumes it later, and every byte arrives, in order.
 */
@QuarkusTest
@TestProfile(GatewayTestProfiles.Limited.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TcpRangeResource.class)
class BandwidthLimitTest {

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    private TestAgent agent;

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
    }

    private double pauses(String kind) {
        return Counters.count(registry, "porthole.gateway.limit.hits", "kind", kind);
    }

    private static Buffer randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return Buffer.buffer(bytes);
    }

    @Test
    void aDownloadOverTheClientsRateIsPausedAndArrivesIntact() {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-download", "slow-down");
        agent.awaitWelcome();
        Buffer body = randomBytes(512 * 1024);
        agent.serving(Upstreams.download(body));
        double before = pauses("download");

        Visitor.Reply reply = new Visitor(vertx, GatewayPortResource.port()).get("slow-down.porthole.test", "/file");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(body);
        assertThat(pauses("download") - before)
                .as("the agent's stream was paused for tokens")
                .isGreaterThan(0);
    }

    @Test
    void anUploadOverTheGatewaysRateIsPausedAndArrivesIntact() {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-upload", "slow-up");
        agent.awaitWelcome();
        agent.serving(Upstreams.echo());
        Buffer body = randomBytes(384 * 1024);
        double before = pauses("upload");
        LimitSettings configured = policy.current();
        // The echo's body is over the 1 KiB test limit on request bodies: lift that one for this test.
        policy.apply(new LimitSettings(
                configured.uploadBytesPerSecond(),
                configured.downloadBytesPerSecond(),
                configured.clientUploadBytesPerSecond(),
                configured.clientDownloadBytesPerSecond(),
                configured.streamsPerTunnel(),
                configured.requestsPerSecondPerTunnel(),
                1024 * 1024));
        try {
            Visitor.Reply reply = new Visitor(vertx, GatewayPortResource.port())
                    .send(HttpMethod.POST, "slow-up.porthole.test", "/echo", MultiMap.caseInsensitiveMultiMap(), body);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo(body);
            assertThat(pauses("upload") - before)
                    .as("the visitor's request was paused for tokens")
                    .isGreaterThan(0);
        } finally {
            policy.apply(configured);
        }
    }

    @Test
    void aTcpTunnelIsPacedBothWaysAndEveryByteComesBack() throws Exception {
        agent = TestAgent.connect(
                        vertx,
                        GatewayPortResource.port(),
                        TOKEN,
                        "agent-tcp",
                        List.of(new TunnelRequest(TunnelKind.TCP, "", 0, false, "127.0.0.1:1")))
                .serving((stream, open) -> stream.pipeTo(stream));
        int port = agent.awaitWelcome().tunnels().getFirst().port();
        byte[] sent = randomBytes(384 * 1024).getBytes();
        double uploads = pauses("upload");
        double downloads = pauses("download");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(sent);
                    socket.shutdownOutput();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            InputStream in = socket.getInputStream();
            byte[] received = in.readNBytes(sent.length);
            writing.get(20, TimeUnit.SECONDS);
            assertThat(received).isEqualTo(sent);
            assertThat(in.read()).as("the echo ends with the visitor's FIN").isEqualTo(-1);
        }
        assertThat(pauses("upload") - uploads)
                .as("the visitor's socket was paused for tokens")
                .isGreaterThan(0);
        assertThat(pauses("download") - downloads)
                .as("the agent's stream was paused for tokens")
                .isGreaterThan(0);
    }

    @Inject
    LimitPolicy policy;
}
