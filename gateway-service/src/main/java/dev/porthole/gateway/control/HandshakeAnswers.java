package dev.porthole.gateway.control;

import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Config;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxSession;
import dev.porthole.protocol.mux.Periodic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the gateway answers an agent's HELLO with: the protocol version and the capabilities both
 * sides speak, WELCOME, and CONFIG with the heartbeat it then keeps and the session's end.
 */
final class HandshakeAnswers {

    /** Features this gateway supports; WELCOME carries those the agent supports too. */
    static final Set<String> CAPABILITIES = Set.of(
            Capabilities.HTTP,
            Capabilities.TCP,
            Capabilities.PRIVATE,
            Capabilities.HA,
            Capabilities.POOL,
            Capabilities.UNMASKED,
            Capabilities.POLICY,
            Capabilities.TLS,
            Capabilities.UDP,
            Capabilities.TRAILERS);

    private final SessionServices services;
    private final MuxSession mux;
    private final String sessionId;
    /** The clock the heartbeat beats by: the session's own timers. */
    private final Periodic clock;

    HandshakeAnswers(SessionServices services, MuxSession mux, String sessionId, Periodic clock) {
        this.services = services;
        this.mux = mux;
        this.sessionId = sessionId;
        this.clock = clock;
    }

    /** The highest protocol version both sides speak; empty when they share none. */
    static OptionalInt version(Hello hello) {
        return ProtocolVersion.negotiate(
                hello.minVersion(), hello.maxVersion(), ProtocolVersion.MIN, ProtocolVersion.MAX);
    }

    /** Why the session closes when {@link #version} is empty. */
    static String noCommonVersion(Hello hello) {
        return "agent speaks protocol " + hello.minVersion() + "-" + hello.maxVersion() + ", this gateway "
                + ProtocolVersion.MIN + "-" + ProtocolVersion.MAX + "; upgrade the older one";
    }

    /**
     * The sets of capabilities agreed so far, each kept once: subsets of {@link #CAPABILITIES}, so
     * there are at most 2^10 of them, and most agents agree on the same one or two.
     */
    private static final Map<Set<String>, Set<String>> AGREED = new ConcurrentHashMap<>();

    /**
     * The capabilities both sides announced; none for a pool to a public session, whose names are its own
     * alone (a lane would be given names of its own, not share the first's).
     */
    static Set<String> capabilities(Hello hello, boolean publicSession) {
        // This gateway's own strings in one shared set rather than what HELLO decoded: the session keeps the set for
        // its lifetime, and a set of its own with its own copies of the words cost about 330 bytes per idle session.
        Set<String> agreed = CAPABILITIES.stream()
                .filter(hello.capabilities()::contains)
                .filter(capability -> !(publicSession && capability.equals(Capabilities.POOL)))
                .collect(Collectors.toUnmodifiableSet());
        return AGREED.computeIfAbsent(agreed, Function.identity());
    }

    /** A handshake's answers with its grants held back, and the refusals for now that made it so, in words. */
    record HeldBack(List<TunnelResult> results, String missing) {}

    /**
     * The answers to {@code requests} (index-aligned with {@code results}) when a refusal for now
     * (503) holds every grant back: each grant becomes a 503 refusal that names what is missing.
     */
    static HeldBack heldBack(List<TunnelRequest> requests, List<TunnelResult> results) {
        String missing = results.stream()
                .filter(result -> result.status() == TunnelResult.UNAVAILABLE)
                .map(HandshakeAnswers::described)
                .collect(Collectors.joining(", "));
        List<TunnelResult> answered = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            TunnelResult result = results.get(i);
            answered.add(
                    result.granted()
                            ? TunnelResult.refused(
                                    requests.get(i),
                                    TunnelResult.UNAVAILABLE,
                                    "held back: " + missing
                                            + " could not be granted right now; the agent will try again with all its"
                                            + " tunnels")
                            : result);
        }
        return new HeldBack(List.copyOf(answered), missing);
    }

    /** A refused tunnel as the person running the agent asked for it: its name or port, else what kind it is. */
    private static String described(TunnelResult refused) {
        String kind = refused.kind().name();
        if (!refused.name().isEmpty()) {
            return kind + " tunnel '" + PeerText.escape(refused.name()) + "'";
        }
        if (refused.port() > 0) {
            return kind + " port " + refused.port();
        }
        return refused.kind() == TunnelKind.HTTP ? "a random HTTP name" : "a free " + kind + " port";
    }

    Welcome welcome(int version, Set<String> capabilities, List<TunnelResult> results) {
        return new Welcome(
                version,
                sessionId,
                capabilities,
                mux.settings().initialWindow(),
                mux.settings().maxFrameSize(),
                results,
                services.instance().id());
    }

    /** Sends CONFIG ({@code expiresAt}: epoch milliseconds, 0 for no end) and starts the heartbeat it announces. */
    void configure(long expiresAt) {
        mux.send(new Config(
                services.config().heartbeat().interval(),
                services.config().heartbeat().timeout(),
                services.config().tunnel().maxStreamsPerSession(),
                expiresAt));
        mux.startHeartbeat(
                clock,
                services.config().heartbeat().interval(),
                services.config().heartbeat().timeout());
    }
}
