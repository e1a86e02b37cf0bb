package dev.porthole.gateway.ingress;

import dev.porthole.protocol.message.ResetCode;

/**
 * The error page a visitor gets when the tunnel stream fails before the response head, one per
 * reset code. It says what happened in general words: the agent's reset message names the local
 * service's address and the agent's inner workings, so that goes to the log only.
 */
record StreamFailurePage(int status, String code, String title, String detail) {

    /** The page for an agent's response the gateway refused to pass on. */
    static final StreamFailurePage BAD_RESPONSE = new StreamFailurePage(
            502,
            "bad-response",
            "Bad Gateway",
            "The service behind this tunnel sent a response the gateway cannot pass on.");

    /** The page for a stream of {@code tunnel} reset with {@code reset} before the response head. */
    static StreamFailurePage of(ResetCode reset, String tunnel) {
        return switch (reset) {
            case UPSTREAM_TIMEOUT ->
                new StreamFailurePage(
                        504,
                        "upstream-timeout",
                        "Gateway Timeout",
                        "The service behind tunnel '" + tunnel + "' did not answer in time.");
            case UPSTREAM_REFUSED ->
                new StreamFailurePage(
                        502,
                        "upstream-refused",
                        "Bad Gateway",
                        "The agent serving tunnel '" + tunnel
                                + "' could not reach the service behind it. If this is your tunnel, check that the service is running; "
                                + "the agent's log and inspector say more.");
            case CONNECTION_CLOSED ->
                new StreamFailurePage(
                        502,
                        "agent-disconnected",
                        "Bad Gateway",
                        "The agent serving tunnel '" + tunnel + "' disconnected. It may reconnect in a moment.");
            case LIMIT_REACHED ->
                new StreamFailurePage(
                        503,
                        "tunnel-busy",
                        "Service Unavailable",
                        "Tunnel '" + tunnel + "' is serving as many requests as it may; try again in a moment.");
            // The head broke RFC 9110 (the gateway's decoder reset the stream) or the agent found the upstream's
            // broken.
            case STREAM_ERROR -> BAD_RESPONSE;
            default ->
                new StreamFailurePage(
                        502,
                        "stream-reset",
                        "Bad Gateway",
                        "The service behind tunnel '" + tunnel
                                + "' failed to answer. If this is your tunnel, the agent's log and inspector say more.");
        };
    }
}
