package dev.porthole.e2e.support;

import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.message.ControlMessage;
import dev.porthole.protocol.message.Fin;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.Pong;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Response;
import dev.porthole.protocol.message.Rst;
import dev.porthole.protocol.message.Window;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * One kind of flood a hostile agent sends (issue 25): its name and how to start it on a connected
 * {@link RawAgent} that stopped reading, for at most a given time. Shared by {@code HostileAgentIT}
 * and the benchmark {@code bench/flood.sh} ({@link FloodAgent}).
 */
public record Flood(String name, BiFunction<RawAgent, Duration, AtomicLong> start) {

    private static final FrameCodec CODEC = new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_SIZE);

    /** Every kind: each control frame type, and WebSocket-level pings. */
    public static List<Flood> all() {
        AtomicLong counter = new AtomicLong();
        return List.of(
                frames("PING", () -> new Ping(counter.incrementAndGet())),
                frames("PONG", () -> new Pong(counter.incrementAndGet())),
                frames("NOTICE", () -> new Notice(Notice.Level.INFO, "flood", "notice " + counter.incrementAndGet())),
                // Refused dials: a private tunnel that does not exist, each on a new stream id.
                frames(
                        "OPEN",
                        () -> new Open((int) (2 * counter.incrementAndGet() + 1), "no-such-tunnel", "raw", null)),
                closedStream("WINDOW", () -> new Window(1, 1024)),
                closedStream("FIN", () -> new Fin(1)),
                closedStream("RST", () -> new Rst(1, ResetCode.CANCEL, "flood")),
                closedStream("RESPONSE", () -> new Response(1, new HttpResponseHead(200, "OK", List.of()), false)),
                new Flood("WebSocket ping", (agent, limit) -> agent.floodPings(() -> Buffer.buffer("flood"), limit)));
    }

    /** The kind called {@code name} (as {@link #all()} names them, case ignored). */
    public static Flood named(String name) {
        return all().stream()
                .filter(flood -> flood.name().equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no flood called '" + name + "'; the kinds are "
                        + all().stream().map(Flood::name).toList()));
    }

    private static Flood frames(String name, Supplier<ControlMessage> next) {
        return new Flood(name, (agent, limit) -> agent.flood(() -> encode(next.get()), limit));
    }

    /** Frames for stream 1, which the agent opened (a dial the gateway refused) and which is closed now. */
    private static Flood closedStream(String name, Supplier<ControlMessage> next) {
        return new Flood(name, (agent, limit) -> {
            agent.send(new Open(1, "no-such-tunnel", "raw", null));
            return agent.flood(() -> encode(next.get()), limit);
        });
    }

    private static Buffer encode(ControlMessage message) {
        return CODEC.encode(MessageCodec.encode(message));
    }

    @Override
    public String toString() {
        return name;
    }
}
