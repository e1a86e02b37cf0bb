package dev.porthole.agent.screen;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;

/**
 * What the live status screen shows at one moment: plain data, drawn by {@link StatusScreen}.
 *
 * @param version the agent's version
 * @param state the session's state in a few words ({@code online}, {@code reconnecting}, ...)
 * @param message the last thing that went wrong (a refusal, a lost connection), or null
 * @param client who this agent is to the gateway (client id, or the agent id)
 * @param gateway the gateway's URL and, once welcomed, its instance
 * @param latency the last heartbeat round trip to the gateway, or null before the first
 * @param inspector the inspector's URL, or a word on why there is none
 * @param forwarding one line per tunnel
 * @param connections the streams the gateway opened to this agent
 * @param requests the last HTTP requests, newest first
 */
public record ScreenModel(
        String version,
        String state,
        String message,
        String client,
        String gateway,
        Duration latency,
        String inspector,
        List<Forwarding> forwarding,
        Connections connections,
        List<Request> requests) {

    public ScreenModel {
        forwarding = List.copyOf(forwarding);
        requests = List.copyOf(requests);
    }

    /** A tunnel: where visitors come in ({@code from}: a public URL, {@code host:port} or a private name) and where it goes. */
    public record Forwarding(String from, String to) {}

    /**
     * Connection counters, as ngrok shows them.
     *
     * @param total streams since the start
     * @param open streams open now
     * @param rate1 streams per second over the last minute
     * @param rate5 streams per second over the last five minutes
     * @param p50 the median duration of the last closed streams, or null before any
     * @param p90 the 90th percentile of the same, or null
     */
    public record Connections(long total, long open, double rate1, double rate5, Duration p50, Duration p90) {

        public static final Connections NONE = new Connections(0, 0, 0, 0, null, null);
    }

    /** One forwarded HTTP request. */
    public record Request(LocalTime at, String method, String uri, int status, Duration duration) {}
}
