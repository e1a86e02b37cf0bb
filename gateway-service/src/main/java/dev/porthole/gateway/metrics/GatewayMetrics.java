package dev.porthole.gateway.metrics;

import java.time.Duration;

/** What the gateway counts and measures; business code calls this, never a meter registry. */
public interface GatewayMetrics {

    void agentConnected();

    void agentDisconnected();

    /** An agent's handshake was refused, by reason ({@code 401}, {@code 403}, {@code 429}, {@code 503}). */
    void agentRejected(int status);

    void tunnelOpened(String kind);

    void tunnelClosed(String kind);

    /** A visitor's HTTP request finished with a status, whether from the upstream or from the gateway. */
    void httpRequest(int status, Duration duration);

    /** Bytes moved between visitors and agents. */
    void bytes(long fromVisitors, long toVisitors);

    /** A TCP connection (public tunnel or private dial) ended: {@code closed}, {@code broken} or {@code refused} (limit reached). */
    void tcpConnection(String outcome);

    /** A tunnel limit bit: {@code body-size}, {@code requests-per-second}, {@code streams}, {@code upload} or {@code download}. */
    void limitHit(String kind);
}
