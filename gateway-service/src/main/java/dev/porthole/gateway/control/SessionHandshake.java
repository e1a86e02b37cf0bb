package dev.porthole.gateway.control;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.Capabilities;
import dev.porthole.protocol.message.Hello;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.mux.MuxSession;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How far an {@link AgentSession} has come, and the handshake that brings it there: a HELLO within
 * the handshake timeout, the version and limits it announces, the claims of its tunnels, and the
 * WELCOME and CONFIG that make it active, or the refusal that closes it. On the session's context.
 */
final class SessionHandshake {

    /** What {@link #helloDeadline} is once there is no deadline to cancel. */
    private static final Runnable NO_DEADLINE = () -> {};

    private enum State {
        AWAITING_HELLO,
        CLAIMING,
        ACTIVE,
        CLOSED
    }

    private final AgentSession session;
    private final SessionServices services;
    private final MuxSession mux;
    private final TunnelLeases leases;
    private final HandshakeAnswers answers;
    private final SessionUpkeep upkeep;
    private final SessionReports reports;
    private final SessionPolicies policies;
    private State state = State.AWAITING_HELLO;
    /** Cancels the close that comes if no HELLO arrives in time. */
    private Runnable helloDeadline = NO_DEADLINE;

    SessionHandshake(
            AgentSession session,
            SessionServices services,
            MuxSession mux,
            TunnelLeases leases,
            HandshakeAnswers answers,
            SessionUpkeep upkeep,
            SessionReports reports,
            SessionPolicies policies) {
        this.session = session;
        this.services = services;
        this.mux = mux;
        this.leases = leases;
        this.answers = answers;
        this.upkeep = upkeep;
        this.reports = reports;
        this.policies = policies;
    }

    /** Closes the session unless HELLO arrives within the handshake timeout. */
    void awaitHello(SessionTimers timers) {
        if (state != State.AWAITING_HELLO) {
            // HELLO came first (an agent sends it with the upgrade): nothing to wait for.
            return;
        }
        helloDeadline = timers.after(services.config().tunnel().handshakeTimeout(), () -> {
            if (state == State.AWAITING_HELLO) {
                session.close(
                        CloseCode.PROTOCOL_ERROR,
                        "no HELLO within "
                                + services.config().tunnel().handshakeTimeout().toSeconds() + " s");
            }
        });
    }

    /** Whether the handshake made the session active, and it has not closed since. */
    boolean isActive() {
        return state == State.ACTIVE;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    /** The session closed; whether it had been active. */
    boolean close() {
        State previous = state;
        state = State.CLOSED;
        return previous == State.ACTIVE;
    }

    void onHello(Hello hello) {
        if (state != State.AWAITING_HELLO) {
            session.protocolError("HELLO after the handshake");
            return;
        }
        // An idle session would otherwise hold the timer until the timeout passed (and this field, after it).
        helloDeadline.run();
        helloDeadline = NO_DEADLINE;
        OptionalInt version = HandshakeAnswers.version(hello);
        if (version.isEmpty()) {
            session.close(CloseCode.UNSUPPORTED_VERSION, HandshakeAnswers.noCommonVersion(hello));
            return;
        }
        try {
            mux.peerLimits(hello.initialWindow(), hello.maxFrameSize());
        } catch (ProtocolException e) {
            session.protocolError(e.getMessage());
            return;
        }
        Set<String> capabilities =
                HandshakeAnswers.capabilities(hello, session.principal().isPublic());
        if (hello.capabilities().contains(Capabilities.HA)) {
            leases.joinAsHa();
            if (capabilities.contains(Capabilities.POOL)) {
                session.joinPool();
            }
        }
        state = State.CLAIMING;
        new TunnelClaims(services.claims(), session, leases)
                .claim(hello.tunnels())
                .onComplete(results ->
                        mux.onContext(() -> welcome(version.getAsInt(), capabilities, hello, results.result())));
    }

    private void welcome(int version, Set<String> capabilities, Hello hello, List<TunnelResult> results) {
        if (state == State.CLOSED) {
            // The agent went away while its claims were in flight: give the names back.
            leases.giveBackGranted(results);
            return;
        }
        mux.agreedCapabilities(capabilities);
        if (TunnelResult.tryAgainLater(results)) {
            holdBack(version, capabilities, hello, results);
            return;
        }
        List<TunnelResult> granted =
                results.stream().filter(TunnelResult::granted).toList();
        if (granted.isEmpty() && !results.isEmpty()) {
            mux.send(answers.welcome(version, capabilities, results));
            session.close(CloseCode.NO_TUNNELS, "none of the requested tunnels could be granted");
            return;
        }
        state = State.ACTIVE;
        if (capabilities.contains(Capabilities.UDP)) {
            mux.datagrams()
                    .receiveWith(datagram -> services.udpPorts()
                            .toVisitor(session, datagram.tunnel(), datagram.flowId(), datagram.payload()));
        }
        // Routes first, WELCOME second: the agent prints the URL on WELCOME, and a visitor may use it at once.
        for (TunnelResult result : granted) {
            leases.hold(GrantedTunnel.of(result));
        }
        mux.send(answers.welcome(version, capabilities, results));
        answers.configure(upkeep.start(session.principal()));
        // Shown in logs and events: escaped. Not kept: the session has no use for it later.
        reports.connected(session.clientId(), PeerText.escape(hello.agentVersion()), leases.held(), policies::describe);
        // Grants may have changed while the claims were in flight (regrant), and the claims were made with the old
        // ones.
        session.takeUngranted();
    }

    /**
     * All or nothing while a refusal is for now only: an agent that got some of its tunnels would
     * never ask again for the one refused with 503 (it asks only when it reconnects), so the grants,
     * if any, are given back and refused too ({@link HandshakeAnswers#heldBack}), and the session
     * closes with TRY_AGAIN_LATER: the agent comes back after its back-off and asks for all of them
     * again.
     * Permanent refusals (400, 403, 409) do not come here: asking again would not change them, and
     * the grants are served.
     */
    private void holdBack(int version, Set<String> capabilities, Hello hello, List<TunnelResult> results) {
        leases.giveBackGranted(results);
        HandshakeAnswers.HeldBack heldBack = HandshakeAnswers.heldBack(hello.tunnels(), results);
        mux.send(answers.welcome(version, capabilities, heldBack.results()));
        session.close(
                CloseCode.TRY_AGAIN_LATER,
                heldBack.missing() + " could not be granted right now; none of the tunnels is served until the agent"
                        + " tries again with all of them");
    }
}
