package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.RawAgent;
import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Response;
import dev.porthole.testing.RawVisitor;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A raw-socket visitor and a hostile agent against a real gateway process: the request smuggling
 * variants the gateway holds already (regression tests), and agent responses that would inject a
 * response into a visitor's connection. Nothing is smuggled (the agent sees no extra request, the
 * visitor no extra response), and another tunnel keeps serving.
 */
class HostileVisitorIT {

    /** The request a smuggling attempt hides behind the first; the agent must never see it. */
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: %s\r\n\r\n";

    private static final String INJECTED =
            "HTTP/1.1 200 OK\r\nX-Injected: by-agent\r\nContent-Length: 8\r\n\r\nSMUGGLED";

    private static PortholeSystem system;
    private static ScriptedAgent victim;
    private static ScriptedAgent bystander;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("HostileVisitorIT").startGateway();
        victim = new ScriptedAgent(RawAgent.connect(system.gatewayPort()));
        bystander = new ScriptedAgent(RawAgent.connect(system.gatewayPort()));
        victim.answer(ScriptedAgent.ok("victim"));
        bystander.answer(ScriptedAgent.ok("bystander"));
    }

    @AfterAll
    static void stop() {
        if (victim != null) {
            victim.close();
        }
        if (bystander != null) {
            bystander.close();
        }
        if (system != null) {
            system.close();
        }
    }

    private static String victimHost() {
        return victim.host();
    }

    /** Writes raw bytes and reads until the gateway closes the connection or is silent for 3 s. */
    private static String exchange(String raw) throws IOException {
        return RawVisitor.exchange(system.gatewayPort(), raw, Duration.ofSeconds(3))
                .text();
    }

    /**
     * Sends {@code raw}, whose framing (read as RFC 9112 says) makes the hidden request part of a
     * body, so the agent may only see it as a request of its own if the gateway misread the framing.
     */
    private static void nothingSmuggledAndOthersServed(String variant, String raw) throws IOException {
        String answer = exchange(raw);
        assertThat(answer)
                .as(variant + ": an HTTP answer or a closed connection")
                .satisfiesAnyOf(
                        text -> assertThat(text).startsWith("HTTP/1."),
                        text -> assertThat(text).isEmpty());
        assertThat(victim.uris())
                .as(variant + ": the agent never sees the hidden request")
                .doesNotContain("/smuggled");
        String other = exchange("GET /after HTTP/1.1\r\nHost: " + bystander.host() + "\r\nConnection: close\r\n\r\n");
        assertThat(other)
                .as(variant + ": another tunnel keeps serving")
                .startsWith("HTTP/1.1 200")
                .endsWith("bystander");
    }

    @Test
    void theSmugglingVariantsHeldAlreadyStayHeld() throws Exception {
        String host = "Host: " + victimHost() + "\r\n";
        String hidden = SMUGGLED.formatted(victimHost());
        String length = "Content-Length: " + hidden.length() + "\r\n";
        String chunkedEnd = "0\r\n\r\n" + hidden;
        List<String[]> variants = List.of(
                new String[] {
                    "duplicate Content-Length",
                    "POST / HTTP/1.1\r\n" + host + "Content-Length: 0\r\n" + length + "\r\n" + hidden
                },
                new String[] {
                    "Content-Length and Transfer-Encoding",
                    "POST / HTTP/1.1\r\n" + host + "Content-Length: " + chunkedEnd.length()
                            + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedEnd
                },
                new String[] {
                    "Transfer-Encoding: chunked, identity",
                    "POST / HTTP/1.1\r\n" + host + "Content-Length: " + chunkedEnd.length()
                            + "\r\nTransfer-Encoding: chunked, identity\r\n\r\n" + chunkedEnd
                },
                // RFC 9112 5.2: the parser replaces obs-fold with SP, so the folded line never becomes a header of its
                // own.
                new String[] {
                    "obs-fold",
                    "POST /folded HTTP/1.1\r\n" + host + "X-A: a\r\n Transfer-Encoding: chunked\r\n" + length + "\r\n"
                            + hidden
                },
                new String[] {
                    "bare LF",
                    "POST / HTTP/1.1\n" + host.replace("\r\n", "\n") + length.replace("\r\n", "\n") + "\n" + hidden
                },
                new String[] {"bare CR", "POST / HTTP/1.1\r\n" + host + "X-A: a\r" + length + "\r\n" + hidden},
                new String[] {
                    "NUL in a header", "POST / HTTP/1.1\r\n" + host + "X-A: a\0b\r\n" + length + "\r\n" + hidden
                },
                new String[] {
                    "huge headers",
                    "POST / HTTP/1.1\r\n" + host + "X-Big: " + "b".repeat(64 * 1024) + "\r\n" + length + "\r\n" + hidden
                },
                new String[] {
                    "bad chunk size", "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + hidden
                },
                new String[] {
                    "negative chunk size",
                    "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n-1\r\n" + hidden
                },
                new String[] {
                    "overflowing chunk size",
                    "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff1\r\n" + hidden
                },
                new String[] {
                    "Expect", "POST / HTTP/1.1\r\n" + host + "Expect: 100-continue\r\n" + length + "\r\n" + hidden
                },
                new String[] {
                    "upgrade with a body",
                    "GET / HTTP/1.1\r\n" + host + "Connection: Upgrade\r\nUpgrade: websocket\r\n" + length + "\r\n"
                            + hidden
                },
                new String[] {
                    "Connection nominating gateway headers",
                    "POST / HTTP/1.1\r\n" + host
                            + "Connection: Host, X-Forwarded-For, X-Forwarded-Host, Content-Length\r\n" + length
                            + "\r\n" + hidden
                });
        for (String[] variant : variants) {
            nothingSmuggledAndOthersServed(variant[0], variant[1]);
        }
        assertThat(victim.requests())
                .filteredOn(request -> request.uri().equals("/folded"))
                .allSatisfy(folded ->
                        assertThat(folded.headers()).extracting(Header::name).doesNotContain("Transfer-Encoding"));
    }

    @Test
    void anAgentsBodyLongerThanItsLengthNeverReachesTheVisitorsNextRequest() throws Exception {
        victim.answer((agent, open) -> {
            agent.send(new Response(open.streamId(), head(200, "Content-Length", "5"), false));
            agent.send(new Frame(FrameType.DATA, Frame.FLAG_FIN, open.streamId(), Buffer.buffer("hello" + INJECTED)));
        });
        try {
            String host = "Host: " + victimHost() + "\r\n";
            String answer = exchange("GET /first HTTP/1.1\r\n" + host + "\r\nGET /second HTTP/1.1\r\n" + host + "\r\n");
            assertThat(answer).doesNotContain("X-Injected").doesNotContain("SMUGGLED");
        } finally {
            victim.answer(ScriptedAgent.ok("victim"));
        }
    }

    @Test
    void anAgentsHeadWithCrLfIsA502AtOnce() throws Exception {
        victim.answer((agent, open) -> agent.send(new Response(
                open.streamId(),
                new HttpResponseHead(
                        200,
                        "OK",
                        List.of(new Header("X-A", "a\r\nX-Injected: by-agent"), new Header("Content-Length", "0"))),
                true)));
        try {
            long start = System.nanoTime();
            String answer = exchange("GET / HTTP/1.1\r\nHost: " + victimHost() + "\r\nConnection: close\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 502").doesNotContain("X-Injected");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        } finally {
            victim.answer(ScriptedAgent.ok("victim"));
        }
    }

    /**
     * Each way an agent could frame a response to put bytes of its own on a visitor's keep-alive
     * connection (issue 25): the gateway answers 502 before anything was sent, or cuts the
     * connection; the visitor never reads an agent-written response, and the bystander is served.
     */
    @Test
    void anAgentsResponseThatBreaksTheFramingIsA502OrACutNeverAnInjection() throws Exception {
        String host = "Host: " + victimHost() + "\r\n";
        String pipelined = "GET /first HTTP/1.1\r\n" + host + "\r\nGET /second HTTP/1.1\r\n" + host + "\r\n";
        record Script(String name, BiConsumer<RawAgent, Open> answer, boolean answered502) {}
        List<Script> scripts = List.of(
                new Script(
                        "Content-Length with Transfer-Encoding",
                        (agent, open) -> {
                            agent.send(new Response(
                                    open.streamId(),
                                    head(200, "Content-Length", "5", "Transfer-Encoding", "chunked"),
                                    false));
                            agent.send(new Frame(
                                    FrameType.DATA,
                                    Frame.FLAG_FIN,
                                    open.streamId(),
                                    Buffer.buffer("hello" + INJECTED)));
                        },
                        true),
                new Script(
                        "101 to a request that asked for no upgrade",
                        (agent, open) -> {
                            agent.send(new Response(
                                    open.streamId(),
                                    head(101, "Upgrade", "websocket", "Connection", "Upgrade"),
                                    false));
                            agent.send(new Frame(
                                    FrameType.DATA, Frame.FLAG_FIN, open.streamId(), Buffer.buffer(INJECTED)));
                        },
                        true),
                new Script(
                        "a second response head",
                        (agent, open) -> {
                            agent.send(new Response(open.streamId(), head(200), false));
                            agent.send(new Frame(FrameType.DATA, 0, open.streamId(), Buffer.buffer("first")));
                            agent.send(new Response(open.streamId(), head(200, "X-Injected", "by-agent"), false));
                            agent.send(new Frame(
                                    FrameType.DATA, Frame.FLAG_FIN, open.streamId(), Buffer.buffer("SMUGGLED")));
                        },
                        false),
                new Script(
                        "a body shorter than its Content-Length",
                        (agent, open) -> {
                            agent.send(new Response(open.streamId(), head(200, "Content-Length", "60"), false));
                            agent.send(
                                    new Frame(FrameType.DATA, Frame.FLAG_FIN, open.streamId(), Buffer.buffer("short")));
                        },
                        false));
        for (Script script : scripts) {
            victim.answer(script.answer());
            try {
                // A cut is shown with a second request behind the first: it must never be answered by the rest of the
                // first.
                String raw = script.answered502()
                        ? "GET /first HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"
                        : pipelined;
                RawVisitor.Answer answer = RawVisitor.exchange(system.gatewayPort(), raw, Duration.ofSeconds(3));
                assertThat(answer.text())
                        .as(script.name())
                        .doesNotContain("X-Injected")
                        .doesNotContain("SMUGGLED");
                assertThat(answer.text().split("HTTP/1\\.1 ", -1))
                        .as(script.name() + ": at most the first response")
                        .hasSizeLessThanOrEqualTo(2);
                if (script.answered502()) {
                    assertThat(answer.status()).as(script.name()).isEqualTo(502);
                } else {
                    assertThat(answer.closed())
                            .as(script.name() + ": the visitor's connection is cut")
                            .isTrue();
                }
            } finally {
                victim.answer(ScriptedAgent.ok("victim"));
            }
            String other =
                    exchange("GET /after HTTP/1.1\r\nHost: " + bystander.host() + "\r\nConnection: close\r\n\r\n");
            assertThat(other)
                    .as(script.name() + ": another tunnel keeps serving")
                    .startsWith("HTTP/1.1 200")
                    .endsWith("bystander");
        }
    }

    /** An absolute-form target is routed by Host, so it may only name that host, and is forwarded in origin form. */
    @Test
    void anAbsoluteTargetReachesTheAgentOnlyInOriginFormForTheRoutedHost() throws Exception {
        String other = exchange("GET http://other.example/elsewhere HTTP/1.1\r\nHost: " + victimHost()
                + "\r\nConnection: close\r\n\r\n");
        assertThat(other).startsWith("HTTP/1.1 400");
        assertThat(victim.uris()).noneMatch(uri -> uri.contains("elsewhere"));
        String same = exchange("GET http://" + victimHost() + "/same?q=1 HTTP/1.1\r\nHost: " + victimHost()
                + "\r\nConnection: close\r\n\r\n");
        assertThat(same).startsWith("HTTP/1.1 200");
        assertThat(victim.uris()).contains("/same?q=1").noneMatch(uri -> uri.startsWith("http"));
    }

    /** Health and metrics live on the management port only: the public port does not answer them on any host. */
    @Test
    void managementEndpointsAreNotOnThePublicPort() throws Exception {
        for (String host : List.of("127.0.0.1", "localhost", PortholeSystem.DOMAIN)) {
            for (String path : List.of("/q/metrics", "/q/health", "/q/health/ready")) {
                String answer =
                        exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertThat(answer)
                        .as(host + path)
                        .doesNotStartWith("HTTP/1.1 200")
                        .doesNotContain("# HELP")
                        .doesNotContain("\"status\"");
            }
        }
    }

    private static HttpResponseHead head(int status, String... nameValues) {
        List<Header> headers = new java.util.ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(new Header(nameValues[i], nameValues[i + 1]));
        }
        return new HttpResponseHead(status, "", headers);
    }

    /** A RawAgent that answers every OPEN the gateway sends it with a script, on a thread of its own. */
    private static final class ScriptedAgent implements AutoCloseable {
        private final RawAgent agent;
        private final List<HttpRequestHead> requests = new CopyOnWriteArrayList<>();
        private final Thread reader;
        private volatile BiConsumer<RawAgent, Open> script = (agent, open) -> {};

        ScriptedAgent(RawAgent agent) {
            this.agent = agent;
            this.reader = Thread.ofVirtual().start(this::readLoop);
        }

        static BiConsumer<RawAgent, Open> ok(String body) {
            return (agent, open) -> {
                agent.send(new Response(
                        open.streamId(),
                        new HttpResponseHead(
                                200, "OK", List.of(new Header("Content-Length", String.valueOf(body.length())))),
                        false));
                agent.send(new Frame(FrameType.DATA, Frame.FLAG_FIN, open.streamId(), Buffer.buffer(body)));
            };
        }

        void answer(BiConsumer<RawAgent, Open> next) {
            this.script = next;
        }

        List<HttpRequestHead> requests() {
            return requests;
        }

        List<String> uris() {
            return requests.stream().map(HttpRequestHead::uri).toList();
        }

        String host() {
            return java.net.URI.create(agent.tunnelAddress()).getAuthority();
        }

        private void readLoop() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Frame frame = agent.received().poll(100, TimeUnit.MILLISECONDS);
                    if (frame == null || frame.type() != FrameType.OPEN) {
                        continue;
                    }
                    Open open = (Open) MessageCodec.decode(frame);
                    if (open.request() != null) {
                        requests.add(open.request());
                    }
                    script.accept(agent, open);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ProtocolException e) {
                throw new AssertionError("the gateway sent an OPEN that does not decode", e);
            }
        }

        @Override
        public void close() {
            reader.interrupt();
            agent.close();
        }
    }
}
