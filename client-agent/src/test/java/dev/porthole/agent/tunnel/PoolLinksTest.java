package dev.porthole.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxListener;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.MuxSettings;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent with {@code --connections 3} against a stand-in gateway: the first connection is welcomed,
 * then lanes 1 and 2 connect, each naming its lane, asking for {@code ha} and {@code pool} and for the
 * HTTP tunnel only, by the name the first got, each on an event loop of its own. A gateway that does
 * not list {@code pool} gets one connection.
 */
class PoolLinksTest {

    private final Vertx vertx = Vertx.vertx();
    /** Each connection the stand-in accepted: its lane header (null: none) and its HELLO. */
    private final List<Accepted> accepted = new CopyOnWriteArrayList<>();

    private TunnelClient client;
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Logger clientLog = Logger.getLogger(TunnelClient.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            Object[] parameters = record.getParameters() == null ? new Object[0] : record.getParameters();
            logLines.add(parameters.length == 0 ? record.getMessage() : String.format(record.getMessage(), parameters));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private record Accepted(String lane, Hello hello) {}

    /** What the stand-in lists in WELCOME; a test may change it between connections (a gateway upgraded). */
    private volatile Set<String> capabilities;
    /** The stand-in's sessions, newest last. */
    private final List<MuxSession> sessions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void captureLog() {
        clientLog.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        clientLog.removeHandler(capture);
        if (client != null) {
            client.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void lanesConnectAfterTheFirstIsWelcomedEachNamingItsLaneOnAnEventLoopOfItsOwn() throws Exception {
        start(Set.of(Capabilities.HA, Capabilities.POOL));

        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() == 3);
        assertThat(accepted).extracting(Accepted::lane).containsExactlyInAnyOrder(null, "1", "2");
        assertThat(accepted)
                .allSatisfy(connection ->
                        assertThat(connection.hello().capabilities()).contains(Capabilities.HA, Capabilities.POOL));
        Accepted first = accepted.getFirst();
        assertThat(first.lane()).isNull();
        assertThat(first.hello().tunnels())
                .extracting(TunnelRequest::kind)
                .containsExactly(TunnelKind.HTTP, TunnelKind.TCP);
        assertThat(accepted.subList(1, 3))
                .allSatisfy(lane -> assertThat(lane.hello().tunnels())
                        .singleElement()
                        .satisfies(request -> {
                            assertThat(request.kind()).isEqualTo(TunnelKind.HTTP);
                            assertThat(request.name()).isEqualTo("granted-0");
                        }));
        List<Object> eventLoops = new ArrayList<>();
        eventLoops.add(((ContextInternal) client.primary().context()).nettyEventLoop());
        client.lanes().forEach(lane -> eventLoops.add(((ContextInternal) lane.context()).nettyEventLoop()));
        assertThat(eventLoops).doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.instances().stream().noneMatch(String::isEmpty));
    }

    @Test
    void aGatewayThatDoesNotTakeTurnsGetsOneConnection() throws Exception {
        start(Set.of(Capabilities.HA));

        awaitRunningWithOne();
        assertThat(client.lanes()).allSatisfy(lane -> assertThat(lane.started).isFalse());
    }

    @Test
    void lanesStartWhenTheFirstReconnectsToAGatewayThatNowTakesTurns() throws Exception {
        start(Set.of(Capabilities.HA));
        awaitRunningWithOne();

        // The gateway is upgraded under the agent: its connection drops and the new release lists pool.
        capabilities = Set.of(Capabilities.HA, Capabilities.POOL);
        MuxSession old = sessions.getFirst();
        old.onContext(() -> old.close(CloseCode.GOING_AWAY, "upgrading"));

        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() == 4);
        assertThat(accepted.subList(1, 4)).extracting(Accepted::lane).containsExactlyInAnyOrder(null, "1", "2");
        assertThat(client.lanes()).allSatisfy(lane -> assertThat(lane.started).isTrue());
        assertThat(logLines).anyMatch(line -> line.startsWith("opening 2 more connections to the gateway at "));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.instances().stream().noneMatch(String::isEmpty));
    }

    @Test
    void refusesMoreThanSixteenConnectionsAndAPoolWithHa() {
        assertThatThrownBy(() -> settings(17, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--connections must be 1 to 16 (was 17)");
        assertThatThrownBy(() -> settings(0, false)).hasMessageContaining("--connections must be 1 to 16");
        assertThatThrownBy(() -> settings(2, true)).hasMessageStartingWith("--connections and --ha cannot be combined");
        assertThat(settings(16, false).connections()).isEqualTo(16);
    }

    /** The agent said it runs one connection for want of {@code pool}, and made no other. */
    private void awaitRunningWithOne() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> logLines.stream()
                        .anyMatch(line -> line.contains("does not take turns over several connections")));
        assertThat(accepted).hasSize(1);
    }

    private static AgentSettings settings(int connections, boolean ha) {
        return AgentSettings.of(URI.create("http://127.0.0.1:1"), "agent-pool", draft -> {
            draft.connections = connections;
            draft.ha = ha;
        });
    }

    /** The stand-in gateway, listing {@code capabilities} in WELCOME, and an agent with three connections. */
    private void start(Set<String> listed) throws Exception {
        capabilities = listed;
        int port = WelcomingGateway.listen(vertx, (mux, upgrade) -> {
            sessions.add(mux);
            return new StandIn(mux, upgrade.get(TunnelClient.LANE_HEADER));
        });
        client = QuickAgents.client(
                vertx,
                "http://127.0.0.1:" + port,
                "agent-pool",
                List.of(
                        new TunnelSpec(TunnelKind.HTTP, "", 0, false, new UpstreamAddress("127.0.0.1", 1)),
                        new TunnelSpec(TunnelKind.TCP, "", 0, false, new UpstreamAddress("127.0.0.1", 2))),
                TunnelListener.SILENT,
                draft -> draft.connections = 3);
        client.start();
    }

    /** Grants every tunnel (a random name becomes {@code granted-<i>}) and lists the test's capabilities. */
    private final class StandIn implements MuxListener {
        private final MuxSession mux;
        private final String lane;

        StandIn(MuxSession mux, String lane) {
            this.mux = mux;
            this.lane = lane;
        }

        @Override
        public void onMessage(ConnectionMessage message) {
            if (!(message instanceof Hello hello)) {
                return;
            }
            WelcomingGateway.takeLimits(mux, hello);
            accepted.add(new Accepted(lane, hello));
            List<TunnelResult> results = WelcomingGateway.grantAll(hello);
            mux.send(new Welcome(
                    ProtocolVersion.MAX,
                    "s-" + accepted.size(),
                    capabilities,
                    MuxSettings.DEFAULT_INITIAL_WINDOW,
                    65536,
                    results,
                    "instance-a"));
        }

        @Override
        public void onOpen(MuxStream stream, Open open) {
            stream.reset(ResetCode.FORBIDDEN, "not in this test");
        }

        @Override
        public void onClosed(int code, String reason) {}
    }
}
