package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.Flood;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.RawAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.message.GoAway;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Rst;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.Window;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An agent that breaks the tunnel protocol on purpose, against a real gateway process (with
 * {@code -Xmx256m}): the gateway closes it, stays up, keeps its memory and log output bounded, and
 * keeps serving another agent's tunnel meanwhile.
 */
class HostileAgentIT {

    /** How long one flood may go on before the test gives up on the gateway closing it. */
    private static final Duration FLOOD_LIMIT = Duration.ofSeconds(15);

    private static final long MAX_RSS_GROWTH = 64L * 1024 * 1024;
    private static final int MAX_LOG_LINES = 100;
    /** The notice lines the gateway logs from one source address per minute (its LogBudget.LINES). */
    private static final int NOTICE_LINES = 10;
    /** Generous: the test machine may be shared and loaded; a gateway that died or hangs fails the test all the same. */
    private static final Duration VISIT_TIMEOUT = Duration.ofSeconds(15);

    private PortholeSystem system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void closesTheConnectionWithProtocolErrorOnAFrameForAStreamNeverOpened() {
        system = new PortholeSystem("HostileAgentIT-badStreamId").startGateway();
        try (RawAgent agent = RawAgent.connect(system.gatewayPort())) {
            assertThat(agent.tunnelAddress()).startsWith("http://");
            agent.send(new Window(7, 1024));
            RawAgent.Closed closed = agent.awaitClose(Duration.ofSeconds(10));
            assertThat(closed.code()).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
            assertThat(closed.reason()).contains("BAD_STREAM_ID").contains("never opened");
        }
        assertThat(system.gateway().isAlive()).isTrue();
    }

    /** A frame that breaks a rule, and the rule the gateway names when it closes the connection for it. */
    private record BadFrame(String what, java.util.function.Consumer<RawAgent> send, String rule) {}

    @Test
    void closesTheConnectionNamingTheRuleForEachKindOfBadFrame() {
        system = new PortholeSystem("HostileAgentIT-badFrames").startGateway();
        List<BadFrame> bad = List.of(
                new BadFrame(
                        "unknown frame type",
                        agent -> agent.sendRaw(0x7f, 0, 0, Buffer.buffer()),
                        "UNKNOWN_FRAME_TYPE"),
                new BadFrame(
                        "shorter than the header",
                        agent -> agent.sendRaw(Buffer.buffer(new byte[] {6, 0, 0})),
                        "TRUNCATED"),
                new BadFrame(
                        "undefined flags",
                        agent -> agent.sendRaw(0x06, 0x80, 0, Buffer.buffer().appendLong(1)),
                        "UNKNOWN_FLAGS"),
                new BadFrame(
                        "a connection frame on a stream",
                        agent -> agent.sendRaw(0x06, 0, 5, Buffer.buffer().appendLong(1)),
                        "BAD_STREAM_ID"),
                new BadFrame(
                        "a payload cut short",
                        agent -> agent.sendRaw(0x06, 0, 0, Buffer.buffer().appendInt(1)),
                        "TRUNCATED"),
                new BadFrame(
                        "bytes after the last field",
                        agent -> agent.sendRaw(
                                0x06, 0, 0, Buffer.buffer().appendLong(1).appendByte((byte) 0)),
                        "TRAILING_BYTES"),
                new BadFrame(
                        "a stream id reused",
                        agent -> {
                            agent.send(new Open(1, "db", "raw", null));
                            agent.send(new Open(1, "db", "raw", null));
                        },
                        "BAD_STREAM_ID"),
                new BadFrame(
                        "an OPEN with the gateway's parity",
                        agent -> agent.send(new Open(2, "db", "raw", null)),
                        "BAD_STREAM_ID"),
                new BadFrame(
                        "a second HELLO",
                        agent -> agent.send(new dev.porthole.protocol.message.Hello(
                                1,
                                2,
                                "x",
                                "y",
                                java.util.Set.of(),
                                1024,
                                FrameCodec.DEFAULT_MAX_FRAME_SIZE,
                                List.of())),
                        "HELLO after the handshake"));
        for (BadFrame frame : bad) {
            try (RawAgent agent = RawAgent.connect(system.gatewayPort())) {
                frame.send().accept(agent);
                RawAgent.Closed closed = agent.awaitClose(Duration.ofSeconds(10));
                assertThat(closed.code())
                        .as("close code for %s", frame.what())
                        .isEqualTo(CloseCode.PROTOCOL_ERROR.code());
                assertThat(closed.reason())
                        .as("close reason for %s", frame.what())
                        .contains(frame.rule());
            }
        }
        assertThat(system.gateway().isAlive()).isTrue();
    }

    @Test
    void closesTheConnectionOfAnAgentThatOverflowsAStreamsWindow() throws Exception {
        system = new PortholeSystem("HostileAgentIT-windowOverflow").startGateway();
        try (RawAgent agent = RawAgent.connect(system.gatewayPort())) {
            String name = agent.welcome().tunnels().getFirst().name();
            CompletableFuture<HttpResponse<String>> visit =
                    CompletableFuture.supplyAsync(() -> Http.getByHost(system, name, "/"));
            Open open = agent.awaitMessage(Open.class, Duration.ofSeconds(10));
            agent.send(new Window(open.streamId(), Integer.MAX_VALUE));
            agent.send(new Window(open.streamId(), Integer.MAX_VALUE));
            RawAgent.Closed closed = agent.awaitClose(Duration.ofSeconds(10));
            assertThat(closed.code()).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
            assertThat(closed.reason()).contains("FLOW_CONTROL");
            assertThat(visit.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode())
                    .isEqualTo(502);
        }
        assertThat(system.gateway().isAlive()).isTrue();
    }

    @Test
    void anAgentCannotWriteLinesOfItsOwnIntoTheGatewayLog() {
        system = new PortholeSystem("HostileAgentIT-logForging").startGateway();
        String forged = "\n18:00:00.000 ERROR [de.po.ga.FORGED] admin password reset by operator";
        try (RawAgent agent = RawAgent.connect(
                system.gatewayPort(), Map.of(), List.of(TunnelRequest.http("", "raw")), "1.0" + forged)) {
            agent.send(new Open(1, "db" + forged, "127.0.0.1:1" + forged, null));
            Rst refused = agent.awaitMessage(Rst.class, Duration.ofSeconds(10));
            assertThat(refused.message()).doesNotContain("FORGED");
            agent.send(new Notice(Notice.Level.INFO, "x", "hello" + forged));
            agent.send(new GoAway(1000, "bye" + forged));
            agent.awaitClose(Duration.ofSeconds(10));
        }
        system.gateway().awaitLog(line -> line.contains("agent disconnected"), Duration.ofSeconds(10));
        List<String> lines = gatewayLinesSince(0);
        assertThat(lines).noneMatch(line -> line.contains("de.po.ga.FORGED") && !line.contains("\\n18:00:00.000"));
        assertThat(lines).anyMatch(line -> line.contains("says: hello\\n18:00:00.000 ERROR [de.po.ga.FORGED]"));
    }

    @Test
    void anAgentThatReconnectsGetsNoFreshLogBudget() {
        system = new PortholeSystem("HostileAgentIT-reconnectingNotices").startGateway();
        int connections = 5;
        for (int connection = 0; connection < connections; connection++) {
            try (RawAgent agent = RawAgent.connect(system.gatewayPort())) {
                for (int notice = 0; notice < 2 * NOTICE_LINES; notice++) {
                    agent.send(new Notice(Notice.Level.INFO, "x", "notice " + connection + "." + notice));
                }
                agent.send(new GoAway(1000, "bye"));
                agent.awaitClose(Duration.ofSeconds(10));
            }
            int closed = connection + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> countLines("agent disconnected") >= closed);
        }
        // Every connection came from 127.0.0.1: one budget for all of them, not one each.
        assertThat(countLines("says: notice ")).isEqualTo(NOTICE_LINES);
    }

    private long countLines(String text) {
        return gatewayLinesSince(0).stream().filter(line -> line.contains(text)).count();
    }

    @Test
    void survivesAFloodOfEachControlFrameAndOfWebSocketPingsFromAnAgentThatNeverReads() throws Exception {
        // The whole 256 MiB heap is committed and touched at start, so resident memory does not grow as the
        // heap settles (that varied from 20 to 90 MiB between runs): the growth measured is what -Xmx does not
        // bound (Netty's direct buffers, where unsent answers would queue, threads, sockets), and the gateway
        // staying alive shows the heap was enough.
        system = new PortholeSystem("HostileAgentIT-floods")
                .gatewayJvm("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch")
                .startGateway()
                .startUpstream();
        PortholeSystem.Agent normal = system.startAgent("agent", List.of());
        assertThat(Http.getByHost(system, normal.name(), "/hello").statusCode()).isEqualTo(200);
        long rssBefore = system.gateway().residentBytes();
        List<String> report = new ArrayList<>();
        for (Flood flood : Flood.all()) {
            int linesBefore = gatewayLines();
            long started = System.nanoTime();
            AtomicBoolean flooding = new AtomicBoolean(true);
            CompletableFuture<Long> visitor = CompletableFuture.supplyAsync(() -> visit(normal.name(), flooding));
            RawAgent.Closed closed;
            long sent;
            try (RawAgent hostile = RawAgent.connect(system.gatewayPort())) {
                hostile.stopReading();
                AtomicLong count = flood.start().apply(hostile, FLOOD_LIMIT);
                awaitClosedOrStalled(hostile, count);
                sent = count.get();
                // Read again to see the close frame (behind whatever the gateway had queued), if one was sent.
                hostile.resumeReading();
                closed = hostile.awaitClose(Duration.ofSeconds(15));
            } finally {
                flooding.set(false);
            }
            long slowest = visitor.get();
            int lines = gatewayLines() - linesBefore;
            report.add("%s: %d frames, closed after %d ms with %d '%s', %d log lines, slowest visit %d ms"
                    .formatted(
                            flood,
                            sent,
                            (System.nanoTime() - started) / 1_000_000,
                            closed.code(),
                            closed.reason(),
                            lines,
                            slowest));
            assertThat(system.gateway().isAlive())
                    .as("gateway alive after the %s flood", flood)
                    .isTrue();
            // The close frame itself may be lost: the gateway resets a connection whose unread flood it drops. Its log
            // says why.
            assertThat(gatewayLinesSince(linesBefore))
                    .as("the gateway's log during the %s flood", flood)
                    .anyMatch(line -> line.contains("closing tunnel connection: protocol error FLOOD"));
            assertThat(lines).as("gateway log lines during the %s flood", flood).isLessThan(MAX_LOG_LINES);
        }
        report.forEach(System.out::println);
        long growth = system.gateway().residentBytes() - rssBefore;
        System.out.printf("gateway resident memory grew by %d MiB over all floods%n", growth >> 20);
        assertThat(growth).as("resident memory growth of the gateway").isLessThan(MAX_RSS_GROWTH);
        assertThat(Http.getByHost(system, normal.name(), "/hello").statusCode()).isEqualTo(200);
    }

    /** Waits until the gateway closed the connection, or stopped taking frames (the flood stalls), or the flood's time ran out. */
    private static void awaitClosedOrStalled(RawAgent hostile, AtomicLong sent) {
        long deadline = System.nanoTime() + FLOOD_LIMIT.toNanos();
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline && !hostile.closed().isDone()) {
            long now = sent.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > 1_000_000_000L) {
                return;
            }
            try {
                hostile.closed().get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // Not closed yet.
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        hostile.stopFlood();
    }

    /** Visits the normal agent's tunnel while {@code going}; every visit must succeed; returns the slowest in ms. */
    private long visit(String name, AtomicBoolean going) {
        long slowest = 0;
        do {
            long started = System.nanoTime();
            HttpResponse<String> response = Http.send(
                    HttpRequest.newBuilder(URI.create(system.gatewayUrl("/hello")))
                            .header("Host", system.host(name))
                            .timeout(VISIT_TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode())
                    .as("a visit to the other tunnel during the flood")
                    .isEqualTo(200);
            slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
        } while (going.get());
        return slowest;
    }

    private List<String> gatewayLinesSince(int count) {
        List<String> lines = new ArrayList<>(system.gateway().stdout());
        lines.addAll(system.gateway().stderr());
        return lines.subList(Math.min(count, lines.size()), lines.size());
    }

    private int gatewayLines() {
        return system.gateway().stdout().size() + system.gateway().stderr().size();
    }
}
