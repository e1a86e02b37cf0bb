package dev.porthole.gateway.udp;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.support.Counters;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.UdpRangeResource;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Datagram;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.testing.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Private UDP tunnels against a real Redis and real connections: an agent dials the tunnel (an OPEN
 * the gateway answers with 200 or a reset naming why), then its datagrams reach the publishing agent
 * and the answers come back with the dialer's flow ids; datagrams without a dial are dropped and
 * counted, flows are bounded, and ending the dial forgets them.
 */
@QuarkusTest
@TestProfile(GatewayTestProfiles.Udp.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(UdpRangeResource.class)
class PrivateUdpDialTest {

    private static final String OTHER_TOKEN = "Bearer second-token-0123456789";

    @Inject
    Vertx vertx;

    @Inject
    UdpDials dials;

    @Inject
    MeterRegistry registry;

    private final List<TestAgent> agents = new ArrayList<>();

    @AfterEach
    void closeAll() {
        agents.forEach(TestAgent::close);
    }

    /** An agent publishing private UDP tunnel {@code name} that answers every datagram with "echo:" and the payload. */
    private TestAgent publishEcho(String agentId, String name) {
        TestAgent publisher = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                agentId,
                List.of(new TunnelRequest(TunnelKind.UDP, name, 0, true, "127.0.0.1:53")));
        agents.add(publisher);
        publisher
                .datagrams()
                .receiveWith(d -> publisher
                        .datagrams()
                        .send(new Datagram(
                                d.flowId(), d.tunnel(), Buffer.buffer("echo:").appendBuffer(d.payload()))));
        TunnelResult result = publisher.awaitWelcome().tunnels().getFirst();
        assertThat(result.status()).as(result.message()).isEqualTo(TunnelResult.GRANTED);
        assertThat(result.kind()).isEqualTo(TunnelKind.UDP);
        assertThat(result.publicAddress()).isEmpty();
        assertThat(result.port()).isZero();
        return publisher;
    }

    /** An agent that publishes nothing and collects the datagrams it gets. */
    private TestAgent dialer(String agentId, BlockingQueue<Datagram> answers) {
        TestAgent dialer = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                OTHER_TOKEN,
                agentId,
                List.of(),
                Set.of("http", Capabilities.UNMASKED, Capabilities.UDP));
        agents.add(dialer);
        dialer.datagrams().receiveWith(answers::add);
        assertThat(dialer.awaitWelcome().capabilities()).contains(Capabilities.UDP);
        return dialer;
    }

    private static HttpResponseHead accepted(MuxStream dial) throws Exception {
        CompletableFuture<HttpResponseHead> head = new CompletableFuture<>();
        dial.responseHandler(head::complete);
        dial.exceptionHandler(head::completeExceptionally);
        return head.get(5, TimeUnit.SECONDS);
    }

    private static Throwable refusal(MuxStream dial) throws Exception {
        CompletableFuture<Throwable> reset = new CompletableFuture<>();
        dial.exceptionHandler(reset::complete);
        dial.responseHandler(head -> reset.completeExceptionally(new AssertionError("accepted: " + head)));
        return reset.get(5, TimeUnit.SECONDS);
    }

    private static void send(TestAgent dialer, int flow, String tunnel, String text) {
        dialer.datagrams().send(new Datagram(flow, tunnel, Buffer.buffer(text.getBytes(StandardCharsets.UTF_8))));
    }

    private double dropped(String reason) {
        return Counters.count(registry, "porthole.gateway.udp.dropped", "reason", reason);
    }

    @Test
    void carriesDatagramsOfTwoFlowsThroughADialAndTheAnswersBack() throws Exception {
        publishEcho("udp-private-echo", "echo");
        BlockingQueue<Datagram> answers = new LinkedBlockingQueue<>();
        TestAgent dialer = dialer("udp-dialer", answers);

        assertThat(accepted(dialer.dialUdp("echo")).status()).isEqualTo(200);
        send(dialer, 1, "echo", "first");
        send(dialer, 3, "echo", "second");

        List<String> got = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Datagram answer = answers.poll(5, TimeUnit.SECONDS);
            assertThat(answer).as("answer %d", i).isNotNull();
            assertThat(answer.tunnel()).isEqualTo("echo");
            got.add(answer.flowId() + "=" + answer.payload().toString(StandardCharsets.UTF_8));
        }
        assertThat(got).containsExactlyInAnyOrder("1=echo:first", "3=echo:second");
        assertThat(dials.flows("echo")).isEqualTo(2);
    }

    @Test
    void dropsAndCountsDatagramsOfAnAgentThatDidNotDial() throws Exception {
        publishEcho("udp-private-undialed", "undialed");
        BlockingQueue<Datagram> answers = new LinkedBlockingQueue<>();
        TestAgent sneaky = dialer("udp-sneaky", answers);
        double before = dropped("no-dial");

        send(sneaky, 1, "undialed", "let me in");

        await().until(() -> dropped("no-dial") - before == 1);
        assertThat(answers.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(dials.flows("undialed")).isZero();
    }

    @Test
    void refusesADialOfAnUnknownNameOrOfAPrivateTcpTunnelSayingWhy() throws Exception {
        TestAgent tcp = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                "udp-private-tcp",
                List.of(new TunnelRequest(TunnelKind.TCP, "tcp-only", 0, true, "127.0.0.1:5432")));
        agents.add(tcp);
        assertThat(tcp.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        TestAgent dialer = dialer("udp-dialer-refused", new LinkedBlockingQueue<>());

        assertThat(refusal(dialer.dialUdp("nobody")))
                .hasMessageContaining("no agent publishes private UDP tunnel 'nobody'");
        assertThat(refusal(dialer.dialUdp("tcp-only")))
                .hasMessageContaining(
                        "private tunnel 'tcp-only' is a TCP tunnel, not a UDP one; dial it without --udp");
    }

    @Test
    void dropsAndCountsAFlowBeyondTheBound() throws Exception {
        publishEcho("udp-private-flows", "flows");
        BlockingQueue<Datagram> answers = new LinkedBlockingQueue<>();
        TestAgent dialer = dialer("udp-dialer-flows", answers);
        accepted(dialer.dialUdp("flows"));
        for (int i = 0; i < 4; i++) {
            send(dialer, 2 * i + 1, "flows", "f" + i);
            assertThat(answers.poll(5, TimeUnit.SECONDS)).as("answer %d", i).isNotNull();
        }
        double before = dropped("flows");

        send(dialer, 9, "flows", "one too many");

        await().until(() -> dropped("flows") - before == 1);
        assertThat(answers.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(dials.flows("flows")).isEqualTo(4);
    }

    @Test
    void endingTheDialForgetsItsFlowsAndDropsLaterDatagrams() throws Exception {
        publishEcho("udp-private-ended", "ended");
        BlockingQueue<Datagram> answers = new LinkedBlockingQueue<>();
        TestAgent dialer = dialer("udp-dialer-ended", answers);
        MuxStream dial = dialer.dialUdp("ended");
        accepted(dial);
        send(dialer, 1, "ended", "hello");
        assertThat(answers.poll(5, TimeUnit.SECONDS)).isNotNull();
        int dialsBefore = dials.dials();
        double before = dropped("no-dial");

        dial.end();

        await().until(() -> dials.dials() == dialsBefore - 1 && dials.flows("ended") == 0);
        send(dialer, 1, "ended", "still there?");
        await().until(() -> dropped("no-dial") - before == 1);
        assertThat(answers.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
}
