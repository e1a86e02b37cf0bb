package dev.porthole.gateway.control;

import dev.porthole.protocol.ProtocolVersion;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Config;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.message.Welcome;
import dev.porthole.protocol.mux.MuxSession;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
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
            Capabilities.UNMASKED,
            Capabilities.POLICY,
            Capabilities.TLS,
            Capabilities.UDP,
            Capabilities.TRAILERS);

    private final SessionServices services;
    private final MuxSession mux;
    private final String sessionId;

    HandshakeAnswers(SessionServices services, MuxSession mux, String sessionId) {
        this.services = services;
        this.mux = mux;
        this.sessionId = sessionId;
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

    /** The capabilities both sides announced. */
    static Set<String> capabilities(Hello hello) {
        // This gateway's own strings rather than those decoded from HELLO: the session keeps the set for its
        // lifetime, and each agent's copies of the same few words cost about 250 bytes per idle session.
        return CAPABILITIES.stream().filter(hello.capabilities()::contains).collect(Collectors.toUnmodifiableSet());
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
                services.vertx(),
                services.config().heartbeat().interval(),
                services.config().heartbeat().timeout());
    }
}
