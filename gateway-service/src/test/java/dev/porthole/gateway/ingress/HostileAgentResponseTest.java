package dev.porthole.gateway.ingress;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.Counters;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.testing.RawVisitor;
import dev.porthole.testing.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent that answers with framing of its own (lengths that lie, two heads, an unasked-for 101,
 * interim responses, CR/LF in the head): the gateway owns the framing the visitor gets, so no byte
 * the agent writes can become a second response on the visitor's connection. A violation before
 * the head left is a 502; after it, the connection is cut. Either way it is counted.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class HostileAgentResponseTest {

    /** What a hostile agent appends to a body, hoping the visitor reads it as the next response. */
    private static final String INJECTED =
            "HTTP/1.1 200 OK\r\nX-Injected: by-agent\r\nContent-Length: 8\r\n\r\nSMUGGLED";

    private static final Duration SILENCE = Duration.ofSeconds(4);

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    private TestAgent agent;

    @BeforeEach
    void connect() {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-hostile-responses", "framed");
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
    }

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
    }

    private static HttpResponseHead head(int status, String reason, String... nameValues) {
        List<Header> headers = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(new Header(nameValues[i], nameValues[i + 1]));
        }
        return new HttpResponseHead(status, reason, headers);
    }

    private RawVisitor.Answer visit(BiConsumer<MuxStream, Open> upstream) throws IOException {
        return visit(upstream, "");
    }

    /** A keep-alive GET, so that anything the agent smuggles would be read as the connection's next response. */
    private RawVisitor.Answer visit(BiConsumer<MuxStream, Open> upstream, String extraHeaders) throws IOException {
        agent.serving(upstream);
        return RawVisitor.exchange(
                GatewayPortResource.port(),
                "GET /x HTTP/1.1\r\nHost: framed.porthole.test\r\n" + extraHeaders + "\r\n",
                SILENCE);
    }

    private double refused(String reason) {
        return Counters.count(registry, "porthole.gateway.agent.responses.refused", "reason", reason);
    }

    private void stillServes() throws IOException {
        agent.serving(Upstreams.respond(200, "fine"));
        RawVisitor.Answer ok = RawVisitor.exchange(
                GatewayPortResource.port(),
                "GET /after HTTP/1.1\r\nHost: framed.porthole.test\r\nConnection: close\r\n\r\n",
                SILENCE);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.text()).endsWith("fine");
    }

    @Test
    void aBodyLongerThanItsContentLengthPutsNothingMoreOnTheConnection() throws Exception {
        double before = refused("length-mismatch");
        RawVisitor.Answer answer = visit((stream, open) -> {
            stream.respond(head(200, "OK", "Content-Length", "5"));
            stream.end(Buffer.buffer("hello" + INJECTED));
        });
        assertThat(answer.text()).doesNotContain("by-agent").doesNotContain("SMUGGLED");
        assertThat(answer.closed()).as("the visitor's connection is cut").isTrue();
        assertThat(refused("length-mismatch")).isGreaterThan(before);
        stillServes();
    }

    @Test
    void aBodyShorterThanItsContentLengthClosesTheConnection() throws Exception {
        RawVisitor.Answer answer = visit((stream, open) -> {
            stream.respond(head(200, "OK", "Content-Length", "50"));
            stream.end(Buffer.buffer("short"));
        });
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.closed())
                .as("the next response must not be read as the rest of this one")
                .isTrue();
    }

    @Test
    void contentLengthWithTransferEncodingIsAnswered502() throws Exception {
        RawVisitor.Answer answer = visit((stream, open) -> {
            stream.respond(head(200, "OK", "Content-Length", "5", "Transfer-Encoding", "chunked"));
            stream.end(Buffer.buffer("hello" + INJECTED));
        });
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.text()).doesNotContain("by-agent");
        stillServes();
    }

    @Test
    void contentLengthsThatDisagreeOrAreNoNumberAreAnswered502() throws Exception {
        RawVisitor.Answer two = visit((stream, open) -> {
            stream.respond(head(200, "OK", "Content-Length", "5", "Content-Length", "7"));
            stream.end(Buffer.buffer("hello"));
        });
        assertThat(two.status()).isEqualTo(502);
        RawVisitor.Answer signed = visit((stream, open) -> {
            stream.respond(head(200, "OK", "Content-Length", "+5"));
            stream.end(Buffer.buffer("hello"));
        });
        assertThat(signed.status()).isEqualTo(502);
    }

    @Test
    void switchingProtocolsForARequestThatAskedForNoUpgradeIsAnswered502() throws Exception {
        double before = refused("unrequested-upgrade");
        RawVisitor.Answer answer = visit((stream, open) -> {
            stream.respond(head(101, "Switching Protocols", "Upgrade", "websocket", "Connection", "Upgrade"));
            stream.write(Buffer.buffer(INJECTED));
        });
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.text()).doesNotContain("by-agent");
        assertThat(refused("unrequested-upgrade")).isGreaterThan(before);
        stillServes();
    }

    @Test
    void switchingToAnotherProtocolThanTheOneAskedForIsAnswered502() throws Exception {
        RawVisitor.Answer answer = visit(
                (stream, open) -> {
                    stream.respond(head(101, "Switching Protocols", "Upgrade", "h2c", "Connection", "Upgrade"));
                    stream.write(Buffer.buffer(INJECTED));
                },
                "Connection: Upgrade\r\nUpgrade: websocket\r\n");
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.text()).doesNotContain("by-agent");
    }

    @Test
    void anInterimResponseIsFollowedByTheFinalOne() throws Exception {
        RawVisitor.Answer answer = visit(
                (stream, open) -> {
                    stream.respond(head(103, "Early Hints", "Link", "</style.css>; rel=preload"));
                    stream.respond(head(200, "OK", "Content-Length", "2"));
                    stream.end(Buffer.buffer("ok"));
                },
                "Connection: close\r\n");
        assertThat(answer.text()).contains("HTTP/1.1 200 OK").endsWith("\r\n\r\nok");
    }

    @Test
    void anInterimResponseAndThenSilenceEndsInATimeout() throws Exception {
        RawVisitor.Answer answer =
                visit((stream, open) -> stream.respond(head(102, "Processing")), "Connection: close\r\n");
        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.took())
                .as("bounded by the response timeout (2 s here)")
                .isLessThan(SILENCE);
    }

    @Test
    void anInterimResponseWithABodyIsAnswered502() throws Exception {
        double before = refused("interim-with-body");
        RawVisitor.Answer answer = visit((stream, open) -> {
            stream.respond(head(103, "Early Hints"));
            stream.write(Buffer.buffer(INJECTED));
        });
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.text()).doesNotContain("by-agent");
        assertThat(refused("interim-with-body")).isGreaterThan(before);
    }

    @Test
    void aSecondResponseHeadCutsTheConnection() throws Exception {
        RawVisitor.Answer answer = visit((stream, open) -> {
            stream.respond(head(200, "OK"));
            stream.write(Buffer.buffer("first"));
            stream.respond(head(200, "OK", "X-Injected", "by-agent"));
            stream.end(Buffer.buffer("SMUGGLED"));
        });
        assertThat(answer.text()).doesNotContain("by-agent").doesNotContain("SMUGGLED");
        assertThat(answer.closed()).isTrue();
        stillServes();
    }

    @Test
    void crOrLfInTheReasonPhraseIsAnswered502AtOnce() throws Exception {
        double before = refused("malformed-head");
        RawVisitor.Answer answer = visit(
                (stream, open) -> {
                    stream.respond(head(200, "OK\r\nX-Injected: by-agent"));
                    stream.end(Buffer.buffer("ok"));
                },
                "Connection: close\r\n");
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.took()).as("at once, not after the response timeout").isLessThan(Duration.ofMillis(1500));
        assertThat(answer.text()).doesNotContain("by-agent");
        assertThat(refused("malformed-head")).isGreaterThan(before);
        stillServes();
    }

    @Test
    void forbiddenBytesInHeaderNamesOrValuesAreAnswered502AtOnce() throws Exception {
        List<HttpResponseHead> heads = List.of(
                head(200, "OK", "X-Ok", "a\r\nX-Injected: by-agent"),
                head(200, "OK", "X-Ok", "bare\rcr"),
                head(200, "OK", "X-Ok", "nul\0byte"),
                head(200, "OK", "X Injected", "space in the name"),
                head(200, "OK", "X-Injected:", "colon in the name"),
                head(200, "OK", "", "empty name"));
        for (HttpResponseHead bad : heads) {
            RawVisitor.Answer answer = visit(
                    (stream, open) -> {
                        stream.respond(bad);
                        stream.end(Buffer.buffer("ok"));
                    },
                    "Connection: close\r\n");
            assertThat(answer.status()).as(bad.toString()).isEqualTo(502);
            assertThat(answer.took()).as(bad.toString()).isLessThan(Duration.ofMillis(1500));
            assertThat(answer.text()).doesNotContain("by-agent");
        }
        stillServes();
    }
}
