package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.grpc.EchoService;
import dev.porthole.e2e.grpc.GrpcEcho;
import dev.porthole.e2e.support.GatewayLaunch;
import dev.porthole.e2e.support.JavaProgram;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.TestCertificates;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gRPC through a tunnel with real processes: a grpc-java service written for the test
 * ({@link GrpcEcho}, its own process) behind agents started with {@code --upstream-protocol h2c},
 * called by a grpc-java client through a plain gateway (h2c with prior knowledge) and through a
 * gateway terminating TLS (h2 by ALPN). Unary, server-streaming, client-streaming and bidirectional
 * calls arrive with their status codes, messages and trailers; a tunnel whose agent stopped answers
 * UNAVAILABLE.
 */
class GrpcIT {

    private static final String H2C = "h2c";
    private static final String TLS = "tls";

    private static PortholeSystem system;
    private static ManagedChannel overH2c;
    private static ManagedChannel overTls;
    private static ManagedChannel toStoppedAgent;
    private static ServiceProcess agentToStop;
    private static String stoppedTunnel;

    @BeforeAll
    static void start() throws IOException {
        Path folder = Path.of("target", "e2e-tls", "GrpcIT").toAbsolutePath();
        TestCertificates ca = TestCertificates.newCa(folder.resolve("ca-" + System.nanoTime()), "GrpcIT CA");
        Path cert = folder.resolve("gateway.pem");
        Path key = folder.resolve("gateway.key");
        ca.leaf("*.porthole.test", "porthole.test", "localhost").installAs(cert, key);

        system = new PortholeSystem("GrpcIT");
        ServiceProcess service = system.startProgram(
                "grpc-echo", JavaProgram.command(GrpcEcho.class, List.of("-Xmx64m"), List.of("serve", "0")));
        // Started side by side: each is a JVM that takes seconds to start.
        GatewayLaunch.Gateway tlsGateway = system.newGateway("tls-gateway")
                .setting("PORTHOLE_GATEWAY_TLS_CERT_FILES", cert.toString())
                .setting("PORTHOLE_GATEWAY_TLS_KEY_FILES", key.toString())
                .startInBackground();
        system.startGateway();
        tlsGateway.awaitListening();
        String servicePort = service.awaitFirstLine(PortholeSystem.START_TIMEOUT);
        String plainServer = "http://127.0.0.1:" + system.gatewayPort();
        // Started together, awaited together.
        ServiceProcess h2cAgent = system.launchAgent("h2c-agent", agentArgs(servicePort, plainServer), Map.of());
        List<String> tlsArgs = new ArrayList<>(agentArgs(servicePort, "https://localhost:" + tlsGateway.port()));
        tlsArgs.addAll(List.of("--ca", ca.caFile().toString()));
        ServiceProcess tlsAgent = system.launchAgent("tls-agent", tlsArgs, Map.of());
        agentToStop = system.launchAgent("agent-to-stop", agentArgs(servicePort, plainServer), Map.of());

        overH2c = channel(started(h2cAgent), system.gatewayPort(), null);
        overTls = channel(started(tlsAgent), tlsGateway.port(), ca);
        PortholeSystem.Agent stopping = started(agentToStop);
        stoppedTunnel = stopping.name();
        toStoppedAgent = channel(stopping, system.gatewayPort(), null);
    }

    @AfterAll
    static void stop() {
        for (ManagedChannel channel : new ManagedChannel[] {overH2c, overTls, toStoppedAgent}) {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
        if (system != null) {
            system.close();
        }
    }

    private static List<String> agentArgs(String servicePort, String server) {
        return List.of("http", servicePort, "--upstream-protocol", "h2c", "--no-inspect", "--server", server);
    }

    private static PortholeSystem.Agent started(ServiceProcess agent) {
        return new PortholeSystem.Agent(agent, agent.awaitFirstLine(PortholeSystem.START_TIMEOUT));
    }

    /** A channel to the agent's tunnel, by its subdomain, on the gateway listening on {@code port}. */
    private static ManagedChannel channel(PortholeSystem.Agent agent, int port, TestCertificates ca)
            throws IOException {
        return GrpcEcho.channel(
                "127.0.0.1:" + port,
                system.host(agent.name(), port),
                ca == null ? null : ca.caFile().toFile());
    }

    private static ManagedChannel over(String transport) {
        return transport.equals(H2C) ? overH2c : overTls;
    }

    private static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {H2C, TLS})
    void aUnaryCallIsAnswered(String transport) {
        assertThat(ClientCalls.blockingUnaryCall(over(transport), EchoService.SAY, options(), "porthole"))
                .isEqualTo("hello porthole");
        String large = "x".repeat(1024 * 1024);
        assertThat(ClientCalls.blockingUnaryCall(over(transport), EchoService.SAY, options(), large))
                .isEqualTo("hello " + large);
    }

    @ParameterizedTest
    @ValueSource(strings = {H2C, TLS})
    void aFailedCallArrivesWithItsStatusMessageAndTrailer(String transport) {
        StatusRuntimeException failure = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(over(transport), EchoService.SAY, options(), "fail:no-such-user"));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failure.getStatus().getDescription()).isEqualTo("refused: no-such-user");
        assertThat(failure.getTrailers().get(EchoService.DETAIL)).isEqualTo("reason=no-such-user");
    }

    @ParameterizedTest
    @ValueSource(strings = {H2C, TLS})
    void aServerStreamDeliversEveryMessageThenItsStatus(String transport) {
        List<String> counted = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(over(transport), EchoService.COUNT, options(), "5")
                .forEachRemaining(counted::add);
        assertThat(counted).containsExactly("1", "2", "3", "4", "5");

        List<String> beforeAbort = new ArrayList<>();
        StatusRuntimeException failure = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingServerStreamingCall(over(transport), EchoService.COUNT, options(), "3!")
                        .forEachRemaining(beforeAbort::add));
        assertThat(beforeAbort).containsExactly("1", "2", "3");
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(failure.getStatus().getDescription()).isEqualTo("stopped after 3");
    }

    @ParameterizedTest
    @ValueSource(strings = {H2C, TLS})
    void aClientStreamIsAnsweredOnceTheClientIsDone(String transport) throws Exception {
        Responses responses = new Responses();
        StreamObserver<String> requests =
                ClientCalls.asyncClientStreamingCall(over(transport).newCall(EchoService.JOIN, options()), responses);
        for (String part : List.of("a", "b", "c", "d")) {
            requests.onNext(part);
        }
        requests.onCompleted();

        assertThat(responses.next()).isEqualTo("a,b,c,d");
        assertThat(responses.status()).isEqualTo(Status.Code.OK);
    }

    @ParameterizedTest
    @ValueSource(strings = {H2C, TLS})
    void aBidirectionalStreamAnswersEachMessageBeforeTheClientIsDone(String transport) throws Exception {
        Responses responses = new Responses();
        StreamObserver<String> requests =
                ClientCalls.asyncBidiStreamingCall(over(transport).newCall(EchoService.SHOUT, options()), responses);

        // Each answer arrives while the call is still open: nothing on the way collects the stream.
        for (String word : List.of("one", "two", "three")) {
            requests.onNext(word);
            assertThat(responses.next()).isEqualTo(word.toUpperCase(java.util.Locale.ROOT));
        }
        requests.onCompleted();
        assertThat(responses.status()).isEqualTo(Status.Code.OK);
    }

    @Test
    void aTunnelWhoseAgentStoppedAnswersUnavailable() {
        assertThat(ClientCalls.blockingUnaryCall(toStoppedAgent, EchoService.SAY, options(), "before"))
                .isEqualTo("hello before");
        agentToStop.stop();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            StatusRuntimeException failure = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(toStoppedAgent, EchoService.SAY, options(), "after"));
            assertThat(failure).as("a call after the agent stopped").isNotNull();
            assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(failure.getStatus().getDescription()).contains("tunnel '" + stoppedTunnel + "'");
            assertThat(failure.getTrailers().get(Metadata.Key.of("x-porthole-error", Metadata.ASCII_STRING_MARSHALLER)))
                    .isIn("tunnel-not-found", "agent-offline");
        });
    }

    /** What a call answered, in order, then how it ended. */
    private static final class Responses implements StreamObserver<String> {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final CompletableFuture<Status> end = new CompletableFuture<>();

        @Override
        public void onNext(String value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }

        String next() throws InterruptedException {
            String message = messages.poll(20, TimeUnit.SECONDS);
            assertThat(message)
                    .as("an answer within 20 s; the call ended with %s", end.getNow(null))
                    .isNotNull();
            return message;
        }

        Status.Code status() throws Exception {
            return end.get(20, TimeUnit.SECONDS).getCode();
        }
    }
}
