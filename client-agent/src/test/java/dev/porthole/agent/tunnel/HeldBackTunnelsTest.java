package dev.porthole.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway that could grant only some tunnels for now holds all of them back (each refused with
 * 503) and closes with TRY_AGAIN_LATER: the agent serves none of them, says it is retrying, and
 * asks for all of them again on its next connection.
 */
class HeldBackTunnelsTest {

    private static final String HELD_BACK =
            "held back: a free TCP port could not be granted right now; the agent will try again with all its tunnels";
    private static final String CLOSE_REASON = "a free TCP port could not be granted right now; none of the tunnels is"
            + " served until the agent tries again with all of them";

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWelcomeThatHoldsTunnelsBackIsRetriedAskingForAllOfThem() throws Exception {
        List<List<TunnelRequest>> hellos = new CopyOnWriteArrayList<>();
        int port = WelcomingGateway.listen(vertx, mux -> new MuxListener() {
            @Override
            public void onMessage(ConnectionMessage message) {
                if (!(message instanceof Hello hello)) {
                    return;
                }
                WelcomingGateway.takeLimits(mux, hello);
                hellos.add(hello.tunnels());
                boolean first = hellos.size() == 1;
                TunnelRequest web = hello.tunnels().get(0);
                TunnelRequest tcp = hello.tunnels().get(1);
                List<TunnelResult> results = first
                        ? List.of(
                                TunnelResult.refused(web, TunnelResult.UNAVAILABLE, HELD_BACK),
                                TunnelResult.refused(
                                        tcp,
                                        TunnelResult.UNAVAILABLE,
                                        "no free TCP port in 20000-20000 after trying 1; try again later"))
                        : List.of(
                                TunnelResult.granted(TunnelKind.HTTP, "web", 0, "http://web.gateway"),
                                TunnelResult.granted(TunnelKind.TCP, "tcp-20000", 20000, "tcp://gateway:20000"));
                mux.send(new Welcome(
                        ProtocolVersion.MAX, "s-test", Set.of(), MuxSettings.DEFAULT_INITIAL_WINDOW, 65536, results));
                if (first) {
                    mux.close(CloseCode.TRY_AGAIN_LATER, CLOSE_REASON);
                }
            }

            @Override
            public void onOpen(MuxStream stream, Open open) {
                stream.reset(ResetCode.FORBIDDEN, "not in this test");
            }

            @Override
            public void onClosed(int code, String reason) {}
        });
        List<List<TunnelResult>> welcomes = new CopyOnWriteArrayList<>();
        List<String> retries = new CopyOnWriteArrayList<>();
        TunnelListener listener = new TunnelListener() {
            @Override
            public void connected(List<TunnelResult> results, boolean first) {
                welcomes.add(results);
            }

            @Override
            public void notice(Notice notice) {}

            @Override
            public void retrying(String reason, Duration retryIn) {
                retries.add(reason);
            }
        };
        TunnelClient client = client("http://127.0.0.1:" + port, listener);
        CompletableFuture<AgentExit> ended = client.start().toCompletionStage().toCompletableFuture();

        await().atMost(Duration.ofSeconds(10)).until(() -> welcomes.size() == 2);
        assertThat(welcomes.getFirst())
                .as("nothing served after the first WELCOME")
                .noneMatch(TunnelResult::granted);
        assertThat(retries)
                .as("the agent says it tries again, and why")
                .containsExactly("the gateway asks to try again later: " + CLOSE_REASON);
        assertThat(hellos).hasSize(2);
        assertThat(hellos.get(1))
                .as("the second HELLO asks for every tunnel again")
                .extracting(TunnelRequest::kind, TunnelRequest::name, TunnelRequest::port)
                .containsExactly(tuple(TunnelKind.HTTP, "web", 0), tuple(TunnelKind.TCP, "", 0));
        assertThat(welcomes.get(1)).allMatch(TunnelResult::granted);
        assertThat(ended).as("the agent keeps running").isNotDone();
        client.stop();
    }

    private TunnelClient client(String server, TunnelListener listener) {
        return QuickAgents.client(
                vertx,
                server,
                "agent-held-back",
                List.of(
                        new TunnelSpec(TunnelKind.HTTP, "web", 0, false, new UpstreamAddress("127.0.0.1", 1)),
                        new TunnelSpec(TunnelKind.TCP, "", 0, false, new UpstreamAddress("127.0.0.1", 2))),
                listener,
                draft -> {});
    }
}
