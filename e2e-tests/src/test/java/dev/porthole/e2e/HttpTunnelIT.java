package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP through a tunnel with every part a real process: redis-server, the packaged gateway, the
 * packaged agent ({@code porthole http}) and a demo upstream ({@code porthole demo-server}).
 */
class HttpTunnelIT {

    private static PortholeSystem system;
    private static PortholeSystem.Agent agent;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("HttpTunnelIT")
                .gatewaySetting("PORTHOLE_GATEWAY_HTTP_RESPONSE_TIMEOUT", "3s")
                .startGateway()
                .startUpstream();
        agent = system.startAgent("agent", List.of());
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void curlWithHttp2PriorKnowledgeReachesAnHttp11Upstream() throws Exception {
        Process curl = new ProcessBuilder(
                        "curl",
                        "-sS",
                        "--max-time",
                        "20",
                        "--http2-prior-knowledge",
                        "-w",
                        "%{http_version}",
                        "--resolve",
                        agent.name() + ".porthole.test:" + system.gatewayPort() + ":127.0.0.1",
                        "http://" + agent.name() + ".porthole.test:" + system.gatewayPort() + "/hello")
                .redirectErrorStream(true)
                .start();
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).as(output).isZero();
        assertThat(output).as("the body, then the HTTP version curl spoke").isEqualTo("hello\n2");
    }

    @Test
    void theAgentPrintsOnlyItsPublicUrlOnStandardOutput() {
        assertThat(agent.url()).matches("http://[a-z]+-[a-z]+-[a-z2-9]{5}\\.porthole\\.test:" + system.gatewayPort());
    }

    @Test
    void routesBySubdomainAndByPathPrefix() {
        HttpResponse<String> bySubdomain = Http.getByHost(system, agent.name(), "/hello");
        assertThat(bySubdomain.statusCode()).isEqualTo(200);
        assertThat(bySubdomain.body()).isEqualTo("hello\n");
        HttpResponse<String> byPath = Http.get(system.pathUrl(agent.name(), "/hello"));
        assertThat(byPath.statusCode()).isEqualTo(200);
        assertThat(byPath.body()).isEqualTo("hello\n");
    }

    @Test
    void theUpstreamSeesForwardedHeaders() {
        String bySubdomain = Http.getByHost(system, agent.name(), "/headers").body();
        assertThat(bySubdomain)
                .contains("\"x-forwarded-for\":\"127.0.0.1\"")
                .contains("\"x-forwarded-proto\":\"http\"")
                .contains("\"x-forwarded-host\":\"" + system.host(agent.name()) + "\"");
        String byPath = Http.get(system.pathUrl(agent.name(), "/headers?x=1")).body();
        assertThat(byPath)
                .contains("\"uri\":\"/headers?x=1\"")
                .contains("\"x-forwarded-prefix\":\"/t/" + agent.name() + "\"");
    }

    @Test
    void anUnknownTunnelIsA404() {
        HttpResponse<String> response = Http.getByHost(system, "nobody-here", "/");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("X-Porthole-Error")).hasValue("tunnel-not-found");
    }

    @Test
    void postAndPutCarryTenMebibyteBodiesIntact() throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(body);
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        for (String method : List.of("POST", "PUT")) {
            HttpResponse<String> digest = Http.send(
                    HttpRequest.newBuilder(URI.create(system.pathUrl(agent.name(), "/digest")))
                            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(digest.statusCode()).isEqualTo(200);
            assertThat(digest.body())
                    .contains("\"sha256\":\"" + expected + "\"")
                    .contains("\"length\":" + body.length);
        }
        HttpResponse<byte[]> echoed = Http.send(
                HttpRequest.newBuilder(URI.create(system.pathUrl(agent.name(), "/echo")))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(echoed.body())))
                .isEqualTo(expected);
    }

    @Test
    void aChunkedDownloadArrivesIntact() throws Exception {
        long size = 5_000_017;
        String expected =
                Http.get(system.upstreamUrl("/bytes/" + size + "/sha256")).body();
        HttpResponse<byte[]> response = Http.send(
                HttpRequest.newBuilder(URI.create(system.pathUrl(agent.name(), "/bytes/" + size + "?chunked=true")))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.body()).hasSize((int) size);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(response.body())))
                .isEqualTo(expected);
    }

    @Test
    void serverSentEventsArriveOneByOneNotAllAtTheEnd() {
        List<Long> arrivals = new ArrayList<>();
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = Http.send(
                HttpRequest.newBuilder(URI.create(system.pathUrl(agent.name(), "/sse?count=5&interval=400")))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        response.body()
                .filter(line -> line.startsWith("data: "))
                .forEach(line -> arrivals.add((System.nanoTime() - start) / 1_000_000));
        assertThat(arrivals).hasSize(5);
        // Emitted 400 ms apart: if the tunnel buffered the stream, they would all arrive together at the end.
        assertThat(arrivals.getLast() - arrivals.getFirst()).isGreaterThan(1_200);
    }

    @Test
    void aWebSocketEchoWorksThroughTheTunnel() throws Exception {
        CompletableFuture<String> text = new CompletableFuture<>();
        CompletableFuture<ByteBuffer> binary = new CompletableFuture<>();
        WebSocket socket = Http.client()
                .newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + system.gatewayPort() + "/t/" + agent.name() + "/ws"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                text.complete(data.toString());
                                webSocket.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                                binary.complete(data);
                                webSocket.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        socket.sendText("hello websocket", true);
        assertThat(text.get(10, TimeUnit.SECONDS)).isEqualTo("hello websocket");
        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), true);
        assertThat(binary.get(10, TimeUnit.SECONDS).remaining()).isEqualTo(4);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void twoHundredConcurrentRequestsAreAllAnsweredCorrectly() {
        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            responses.add(Http.client()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create(system.pathUrl(agent.name(), "/bytes/" + (1000 + i))))
                                    .timeout(Duration.ofSeconds(60))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (int i = 0; i < 200; i++) {
            HttpResponse<byte[]> response = responses.get(i).join();
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
            assertThat(response.body()).as("request %d", i).hasSize(1000 + i);
        }
    }

    @Test
    void theAgentLogsAStatusLinePerRequest() {
        Http.get(system.pathUrl(agent.name(), "/status/418"));
        await().until(() -> agent.process().stderr().stream().anyMatch(line -> line.contains("GET /status/418 418")));
    }

    @Test
    void anUpstreamThatIsDownIsA502ThatShowsNoLocalAddress() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var process = system.launchAgent(
                "agent-down",
                List.of("http", String.valueOf(closed), "--server", system.gatewayUrl("")),
                java.util.Map.of());
        String url = process.awaitFirstLine(PortholeSystem.START_TIMEOUT);
        String name = url.substring(url.indexOf("://") + 3, url.indexOf('.'));
        HttpResponse<String> response = Http.get(system.pathUrl(name, "/"));
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body())
                .as("the address is in the agent's log and inspector")
                .doesNotContain(String.valueOf(closed))
                .contains("could not reach the service behind it");
        process.stop();
    }

    @Test
    void anUpstreamSlowerThanTheTimeoutIsA504() {
        HttpResponse<String> response = Http.get(system.pathUrl(agent.name(), "/slow?delay=8000"));
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("X-Porthole-Error")).hasValue("upstream-timeout");
    }

    @Test
    void visitorsHangingUpMidResponseLeaveNoStackTraceInTheGatewayLog() throws Exception {
        int linesBefore =
                system.gateway().stdout().size() + system.gateway().stderr().size();
        String host = system.host(agent.name());
        List<CompletableFuture<Void>> visitors = new ArrayList<>();
        for (int visitor = 0; visitor < 200; visitor++) {
            int kind = visitor % 4;
            visitors.add(CompletableFuture.runAsync(() -> {
                try (Socket socket = new Socket("127.0.0.1", system.gatewayPort())) {
                    String path = kind == 0 ? "/bytes/50000000" : "/hello";
                    String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
                    socket.getOutputStream()
                            .write((kind == 2 ? request.repeat(20) : request).getBytes(StandardCharsets.US_ASCII));
                    if (kind == 0) {
                        // Part of a long body, then gone, as a browser tab closed mid-download.
                        socket.getInputStream().readNBytes(64 * 1024);
                    }
                    if (kind == 3) {
                        socket.setSoLinger(true, 0);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        CompletableFuture.allOf(visitors.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        // The gateway still serves, and its log has no stack trace for the hang-ups.
        assertThat(Http.getByHost(system, agent.name(), "/hello").statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>(system.gateway().stdout());
        lines.addAll(system.gateway().stderr());
        List<String> since = lines.subList(Math.min(linesBefore, lines.size()), lines.size());
        assertThat(since)
                .noneMatch(line -> line.contains("Failed to mark a promise")
                        || line.startsWith("\tat ")
                        || line.contains("Exception:"));
    }
}
