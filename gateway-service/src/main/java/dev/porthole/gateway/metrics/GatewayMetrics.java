package dev.porthole.gateway.metrics;

import java.time.Duration;
import java.util.function.IntSupplier;

/** What the gateway counts and measures; business code calls this, never a meter registry. */
public interface GatewayMetrics {

    void agentConnected();

    void agentDisconnected();

    /** An agent's handshake was refused, by reason ({@code 401}, {@code 403}, {@code 429}, {@code 503}). */
    void agentRejected(int status);

    /** A session of {@code clientId} started serving {@code tunnel} ({@code kind}: http, tcp, private). */
    void tunnelOpened(String kind, String tunnel, String clientId);

    /** The session stopped serving it; per-tunnel series of a tunnel nobody serves any more go away. */
    void tunnelClosed(String kind, String tunnel, String clientId);

    /** A visitor's HTTP request that no tunnel served (unknown name, agent offline) finished with a status. */
    void httpRequest(int status, Duration duration);

    /** A visitor's HTTP request through {@code tunnel} finished with a status, from the upstream or from the gateway. */
    void tunnelRequest(String tunnel, String clientId, int status, Duration duration);

    /**
     * The gateway refused an agent's response (its framing or head breaks the rules), by reason:
     * {@code length-mismatch}, {@code bad-content-length}, {@code length-and-transfer-encoding},
     * {@code unrequested-upgrade}, {@code interim-with-body}, {@code body-before-head},
     * {@code no-final-head}, {@code second-head}, {@code malformed-head}.
     */
    void agentResponseRefused(String reason);

    /** Stream payload bytes moved through {@code tunnel}: from visitors to the agent, and back. */
    void bytes(String tunnel, String clientId, long fromVisitors, long toVisitors);

    /**
     * A {@code CONNECT} to the public listener was answered: {@code opened}, {@code disabled}, {@code bad-target},
     * {@code not-private} (no tunnel name, or a public tunnel), {@code unauthenticated}, {@code forbidden},
     * {@code not-found}, {@code refused} (a limit) or {@code unavailable}.
     */
    void connectRequest(String outcome);

    /** A TCP connection (public tunnel or private dial) ended: {@code closed}, {@code broken} or {@code refused} (limit reached). */
    void tcpConnection(String outcome);

    /**
     * A connection to the TLS passthrough listener ended or was refused: {@code closed}, {@code broken},
     * {@code no-sni}, {@code unknown-name}, {@code too-large}, {@code timeout}, {@code not-tls} or {@code refused}.
     */
    void tlsPassthrough(String outcome);

    /** A UDP datagram carried: {@code in} from a visitor to the agent, {@code out} from the agent to a visitor. */
    void udpDatagram(String direction);

    /**
     * A UDP datagram dropped: {@code too-large}, {@code flows} (the tunnel tracks as many flows as it
     * may), {@code queue-full} (the agent connection's write queue was full), {@code no-flow} (an
     * answer for a flow that expired) or {@code closed}.
     */
    void udpDropped(String reason);

    /** Reports the streams open now across all agent sessions. */
    void watchStreams(IntSupplier openStreams);
    /**
     * A tunnel's edge policy rule decided a request: {@code rule} is {@code ip}, {@code rate-limit},
     * {@code basic-auth} or {@code webhook}; {@code outcome} is {@code passed}, {@code refused} or {@code busy}.
     */
    void policyDecision(String rule, String outcome);

    /** A tunnel limit bit: {@code body-size}, {@code requests-per-second}, {@code streams}, {@code upload} or {@code download}. */
    void limitHit(String kind);

    /**
     * A request crossed between gateway instances: {@code sent} (forwarded to the instance holding the tunnel),
     * {@code received} (forwarded here and served by a local agent), {@code failed} (could not be forwarded),
     * {@code refused-handshake} (a connection to the peer port without a client certificate from the cluster's CA, with {@code cluster.mtls}).
     */
    void clusterForward(String outcome);

    /**
     * Whether the client limits are shared with the other gateways through Redis ({@code true}) or,
     * while Redis is unreachable, enforced by this gateway alone ({@code false}).
     */
    void limitsShared(boolean shared);
}
